package dev.iii4j.queue;

/**
 * The error codes of the queue's functions, with the wire values of the reference (spec sections
 * 1.2, 1.3 and 1.5) where it defines them.
 */
public enum QueueErrorCode {
  /** The input does not match the function's request. */
  DESERIALIZATION_ERROR("deserialization_error"),
  /** Enqueue to a queue that is not declared. */
  QUEUE_NOT_FOUND("queue_not_found"),
  /** A FIFO message lacks its group field, or it is null. */
  MESSAGE_GROUP_MISSING("message_group_missing"),
  /** {@code iii::durable::publish} with an empty topic. */
  TOPIC_NOT_SET("topic_not_set"),
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
  BACKEND_UNAVAILABLE("backend_unavailable");

  private final String wire;

  QueueErrorCode(String wire) {
    this.wire = wire;
  }

  /** The value sent as {@code error.code}. */
  public String wire() {
    return wire;
  }
}
