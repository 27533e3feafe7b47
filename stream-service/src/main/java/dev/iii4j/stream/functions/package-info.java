/**
 * The stream service's adapters to the gateway, through the worker SDK: the {@code stream::*}
 * functions, the {@code stream}, {@code stream:join} and {@code stream:leave} trigger types, the
 * delivery of trigger events, custom storage functions and the client auth function. Nothing here
 * knows JDBC or the client WebSocket.
 */
package dev.iii4j.stream.functions;
