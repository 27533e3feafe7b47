package dev.iii4j.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The {@code action} of an {@code invokefunction}: absent for a synchronous call, {@code
 * {"type":"void"}} for fire-and-forget, {@code {"type":"enqueue","queue":"q"}} for a durable queue.
 * Any other type makes the whole frame undecodable, as in the reference.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TriggerAction.Void.class, name = "void"),
  @JsonSubTypes.Type(value = TriggerAction.Enqueue.class, name = "enqueue")
})
public sealed interface TriggerAction {

  /** Fire-and-forget: the caller never gets a result. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @SuppressWarnings("JavaLangClash") // named after its wire tag, like every message record
  record Void() implements TriggerAction {}

  /**
   * Route the call through the durable queue {@code queue}.
   *
   * @param queue the queue name
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Enqueue(@JsonProperty("queue") String queue) implements TriggerAction {
    /** Checks that the queue is named. */
    public Enqueue {
      Require.present(queue, "queue");
    }
  }
}
