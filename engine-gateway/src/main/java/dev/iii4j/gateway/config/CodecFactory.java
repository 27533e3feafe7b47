package dev.iii4j.gateway.config;

import dev.iii4j.protocol.MessageCodec;
import io.micronaut.context.annotation.Factory;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;

/** Makes the protocol codec a bean over the application's serde mapper. */
@Factory
final class CodecFactory {
  @Singleton
  MessageCodec messageCodec(ObjectMapper mapper) {
    return new MessageCodec(mapper);
  }
}
