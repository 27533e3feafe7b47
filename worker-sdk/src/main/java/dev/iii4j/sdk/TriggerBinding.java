package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One trigger of a type this worker provides: the engine asks the provider to fire {@code
 * functionId} according to {@code config}. Bindings are identified by {@link #id()}.
 *
 * @param id the trigger id chosen by the registering worker
 * @param triggerType the trigger type id
 * @param functionId the function to call on each fire; empty when only the id is known (an {@code
 *     unregistertrigger} for a binding this SDK never saw)
 * @param config the type-specific configuration; may be null
 * @param metadata metadata to pass as invocation metadata on each fire; may be null
 */
public record TriggerBinding(
    String id,
    String triggerType,
    String functionId,
    @Nullable JsonNode config,
    @Nullable JsonNode metadata) {}
