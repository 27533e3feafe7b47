package dev.iii4j.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code this engine puts on the wire, in one place.
 *
 * <p>The gateway, the SDK and every built-in service take their codes from here; no code is written
 * as a string literal elsewhere. The wire values are those of the iii reference engine where an SDK
 * or its tests look at them (the reference spells a few in upper case, for example {@code
 * FORBIDDEN}); codes this engine adds are snake_case. Java names are always upper snake case, so
 * callers never see the mix.
 */
public enum ErrorCode {
  /** The target function id is not registered: {@code Function <id> not found}. */
  FUNCTION_NOT_FOUND("function_not_found"),
  /** The executor (or the engine) stopped before a result was produced. */
  INVOCATION_STOPPED("invocation_stopped"),
  /** The engine lost the internal waiter of an invocation. */
  INVOCATION_ERROR("invocation_error"),
  /** A handler threw; produced by SDKs, forwarded by the engine. */
  INVOCATION_FAILED("invocation_failed"),
  /** The executor's outbound channel was closed when the call was dispatched. */
  CHANNEL_SEND_FAILED("channel_send_failed"),
  /** Access denied to a function, trigger type or registration. */
  FORBIDDEN("FORBIDDEN"),
  /** The enqueue provider failed or is not installed. */
  ENQUEUE_ERROR("enqueue_error"),
  /** A built-in function got input it cannot decode. */
  DESERIALIZATION_ERROR("deserialization_error"),
  /** A built-in function produced output that cannot be encoded. */
  SERIALIZATION_ERROR("serialization_error"),
  /** Introspection: bad combination of arguments. */
  INVALID_ARGUMENTS("INVALID_ARGUMENTS"),
  /** Introspection: the named object does not exist. */
  NOT_FOUND("NOT_FOUND"),
  /** A trigger-type provider rejected a trigger. */
  TRIGGER_REGISTRATION_FAILED("trigger_registration_failed"),
  /** A provider answered that it does not know the trigger type. */
  TRIGGER_TYPE_NOT_FOUND("trigger_type_not_found"),
  /** {@code engine::unregister_trigger}: the provider refused. */
  UNREGISTER_FAILED("unregister_failed"),
  /** The connection's authentication failed; sent in an {@code error} frame before Close. */
  AUTH_ERROR("AUTH_ERROR"),
  /** {@code publish} without a topic. */
  TOPIC_NOT_SET("topic_not_set"),
  /** The gateway is shutting down and stopped the invocation (this engine's addition). */
  ENGINE_SHUTTING_DOWN("engine_shutting_down"),
  /** A server-side invocation deadline passed (this engine's addition; off by default). */
  INVOCATION_TIMEOUT("invocation_timeout"),
  /** A built-in id or trigger type was claimed by a connection without the service token. */
  RESERVED_ID("reserved_id"),
  /** HTTP-invoked function: the URL failed the security checks (https, allowlist, private IPs). */
  URL_VALIDATION_FAILED("url_validation_failed"),
  /** HTTP-invoked function: the {@code invocation} object is invalid (this engine's addition). */
  INVALID_HTTP_INVOCATION("invalid_http_invocation"),
  /** HTTP-invoked function: connecting or sending failed, or the call timed out. */
  HTTP_REQUEST_FAILED("http_request_failed"),
  /** HTTP-invoked function: the response body could not be read. */
  HTTP_RESPONSE_FAILED("http_response_failed"),
  /** HTTP-invoked function: a 2xx response whose body is not JSON. */
  INVALID_RESPONSE("invalid_response"),
  /** HTTP-invoked function: the endpoint answered 4xx/5xx without an error body of its own. */
  HTTP_ERROR("http_error"),
  /**
   * A connection reached one of its limits (functions, triggers or trigger types registered); the
   * message names the limit and the setting that raises it.
   */
  LIMIT_EXCEEDED("limit_exceeded"),

  // The built-in services' own functions (state, stream), with the reference's upper-case values.

  /** state::set failed in the store. */
  STATE_SET_ERROR("SET_ERROR"),
  /** state::get failed in the store. */
  STATE_GET_ERROR("GET_ERROR"),
  /** state::delete failed in the store. */
  STATE_DELETE_ERROR("DELETE_ERROR"),
  /** state::update failed in the store. */
  STATE_UPDATE_ERROR("UPDATE_ERROR"),
  /** state::list failed in the store. */
  STATE_LIST_ERROR("LIST_ERROR"),
  /** state::list_groups failed in the store. */
  STATE_LIST_GROUPS_ERROR("LIST_GROUPS_ERROR"),
  /** state::set or state::update would store a value above engine.state.max-value-bytes. */
  VALUE_TOO_LARGE("VALUE_TOO_LARGE"),
  /** stream::set failed. */
  STREAM_SET_ERROR("STREAM_SET_ERROR"),
  /** stream::get failed. */
  STREAM_GET_ERROR("STREAM_GET_ERROR"),
  /** stream::delete failed. */
  STREAM_DELETE_ERROR("STREAM_DELETE_ERROR"),
  /** stream::get_group failed. */
  STREAM_GET_GROUP_ERROR("STREAM_GET_GROUP_ERROR"),
  /** stream::list_groups failed. */
  STREAM_LIST_GROUPS_ERROR("STREAM_LIST_GROUPS_ERROR"),
  /** stream::list_all failed. */
  STREAM_LIST_ALL_ERROR("STREAM_LIST_ALL_ERROR"),
  /** stream::send failed. */
  STREAM_SEND_ERROR("STREAM_SEND_ERROR"),
  /** stream::update failed. */
  STREAM_UPDATE_ERROR("STREAM_UPDATE_ERROR"),
  /** A custom stream storage function answered something that is not a stored value. */
  STREAM_JSON_ERROR("JSON_ERROR"),
  /** http-service: a failure of the service itself (500 body). */
  HTTP_INTERNAL_ERROR("INTERNAL_ERROR"),

  // The queue's functions (spec sections 1.2, 1.3 and 1.5); deserialization_error and
  // topic_not_set above serve the queue too.

  /** Enqueue to a queue that is not declared. */
  QUEUE_NOT_FOUND("queue_not_found"),
  /** A FIFO message lacks its group field, or it is null. */
  MESSAGE_GROUP_MISSING("message_group_missing"),
  /** A DLQ function without {@code queue}/{@code topic}. */
  QUEUE_NOT_SET("queue_not_set"),
  /** {@code topic_stats} / {@code dlq_messages} without a topic. */
  TOPIC_REQUIRED("topic_required"),
  /** A DLQ function without {@code message_id}. */
  MESSAGE_ID_NOT_SET("message_id_not_set"),
  /** The message could not be stored. */
  ENQUEUE_FAILED("enqueue_failed"),
  /** {@code iii::queue::redrive} failed. */
  REDRIVE_FAILED("redrive_failed"),
  /** {@code iii::queue::redrive_message} failed. */
  REDRIVE_MESSAGE_FAILED("redrive_message_failed"),
  /** {@code iii::queue::discard_message} failed. */
  DISCARD_MESSAGE_FAILED("discard_message_failed"),
  /** {@code engine::queue::dlq_messages} failed. */
  DLQ_MESSAGES_FAILED("dlq_messages_failed"),
  /** {@code engine::queue::dlq_topics} failed. */
  DLQ_TOPICS_FAILED("dlq_topics_failed"),
  /** {@code engine::queue::topic_stats} failed. */
  TOPIC_STATS_FAILED("topic_stats_failed"),
  /** {@code engine::queue::list_topics} failed. */
  LIST_TOPICS_FAILED("list_topics_failed"),
  /** The backend's storage failed. */
  BACKEND_UNAVAILABLE("backend_unavailable"),

  // observability-service
  /** The observability service's store (PostgreSQL) failed a read, write or clear. */
  OBSERVABILITY_STORE_ERROR("observability_store_error"),
  /** A time in milliseconds (or an interval in seconds) too large to count in nanoseconds. */
  TIME_VALUE_OVERFLOW("time_value_overflow");

  private static final Map<String, ErrorCode> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(ErrorCode::wire, Function.identity()));

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The exact string used in {@code error.code} on the wire. */
  public String wire() {
    return wire;
  }

  /** The code with the given wire value, if this engine knows it. */
  public static Optional<ErrorCode> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }

  /** An {@link ErrorBody} with this code and the given message. */
  public ErrorBody body(String message) {
    return new ErrorBody(wire, message, null);
  }
}
