package dev.iii4j.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.protocol.Message;
import io.micronaut.core.annotation.Nullable;

/**
 * A trigger binding.
 *
 * @param id the trigger id
 * @param triggerType its type
 * @param functionId the function it fires
 * @param config type-specific configuration
 * @param metadata metadata delivered with fires
 * @param owner the connection that registered it; null for bindings that outlive their creator
 * @param live false while parked (its type has no provider, or the provider rejected it)
 */
public record TriggerEntry(
    String id,
    String triggerType,
    String functionId,
    @Nullable JsonNode config,
    @Nullable JsonNode metadata,
    @Nullable WorkerSession owner,
    boolean live) {

  /** This binding, live or parked. */
  public TriggerEntry withLive(boolean isLive) {
    return new TriggerEntry(id, triggerType, functionId, config, metadata, owner, isLive);
  }

  /** The frame that tells a worker provider about this binding. */
  public Message.RegisterTrigger toMessage() {
    return new Message.RegisterTrigger(id, triggerType, functionId, config, metadata);
  }
}
