package dev.iii4j.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Objects;

/**
 * One message on its way to one function: the unit that is delivered, retried and dead-lettered.
 * The field names follow the reference's job record (spec section 1.4).
 *
 * @param id a UUID chosen by the queue when the message is first stored; kept across retries and
 *     redrives; not the {@code messageReceiptId}
 * @param destination the queue or topic name the message was sent to
 * @param functionId the function the message is delivered to
 * @param data the payload, delivered unchanged (JSON {@code null} allowed)
 * @param messageId the {@code messageReceiptId} of a named-queue enqueue; null for topics
 * @param groupId the FIFO message group (value of {@code message_group_field}); null otherwise
 * @param traceparent the enqueuer's W3C trace context, when it sent one
 * @param baggage the enqueuer's W3C baggage, when it sent one
 * @param attemptsMade failed delivery attempts so far (0 for a fresh or redriven message)
 * @param createdAt when the message was first stored, unix milliseconds
 * @param lastError the error of the latest failed attempt, {@code "<code>: <message>"}
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
    @JsonProperty("id") String id,
    @JsonProperty("queue") String destination,
    @JsonProperty("function_id") String functionId,
    @JsonProperty("data") @Nullable JsonNode data,
    @JsonProperty("message_id") @Nullable String messageId,
    @JsonProperty("group_id") @Nullable String groupId,
    @JsonProperty("traceparent") @Nullable String traceparent,
    @JsonProperty("baggage") @Nullable String baggage,
    @JsonProperty("attempts_made") int attemptsMade,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("last_error") @Nullable String lastError) {

  /**
   * Checks the required components.
   *
   * @throws NullPointerException when the id, destination or function id is null
   */
  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(functionId, "functionId");
  }

  /** This job after one more failed attempt with the given error. */
  public Job failedOnce(String error) {
    return new Job(
        id,
        destination,
        functionId,
        data,
        messageId,
        groupId,
        traceparent,
        baggage,
        attemptsMade + 1,
        createdAt,
        error);
  }

  /** This job with its attempt count reset, as redrive sends it back. */
  public Job redriven() {
    return new Job(
        id,
        destination,
        functionId,
        data,
        messageId,
        groupId,
        traceparent,
        baggage,
        0,
        createdAt,
        lastError);
  }
}
