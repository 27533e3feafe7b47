package dev.iii4j.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;

/** Who provides a trigger type: a worker connection or the engine itself. */
public sealed interface TriggerTypeProvider {

  /** The description the provider gave. */
  String description();

  /**
   * A worker connection that registered the type.
   *
   * @param session the provider
   * @param description its description
   * @param triggerRequestFormat optional config schema
   * @param callRequestFormat optional fire payload schema
   */
  record Worker(
      WorkerSession session,
      String description,
      @Nullable JsonNode triggerRequestFormat,
      @Nullable JsonNode callRequestFormat)
      implements TriggerTypeProvider {}

  /**
   * A type implemented in the engine.
   *
   * @param description its description
   * @param workerName the in-process worker listings name as its provider
   * @param implementation what registering and unregistering a trigger does
   */
  record InProcess(String description, String workerName, InProcessTriggerType implementation)
      implements TriggerTypeProvider {}
}
