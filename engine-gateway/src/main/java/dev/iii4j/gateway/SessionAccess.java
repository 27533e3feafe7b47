package dev.iii4j.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Set;

/**
 * What one connection may do, decided once when it connects (by the listener's auth function, or
 * permissive without one).
 *
 * @param allowedFunctions ids this connection may always call
 * @param forbiddenFunctions ids this connection may never call
 * @param allowedTriggerTypes trigger types it may bind; null means any
 * @param allowTriggerTypeRegistration whether it may provide trigger types
 * @param allowFunctionRegistration whether it may register functions
 * @param context opaque context handed to middleware and hooks
 * @param functionRegistrationPrefix prefix applied to the ids it registers, or null
 */
public record SessionAccess(
    Set<String> allowedFunctions,
    Set<String> forbiddenFunctions,
    @Nullable Set<String> allowedTriggerTypes,
    boolean allowTriggerTypeRegistration,
    boolean allowFunctionRegistration,
    JsonNode context,
    @Nullable String functionRegistrationPrefix) {

  /** Everything allowed: connections of a listener without an auth function. */
  public static final SessionAccess PERMISSIVE =
      new SessionAccess(
          Set.of(),
          Set.of(),
          null,
          true,
          true,
          new com.fasterxml.jackson.databind.node.ObjectNode(
              dev.iii4j.protocol.Json.nodes(), java.util.Map.of()),
          null);

  /** Ids every session may call, whatever its listener's filters say. */
  public static final Set<String> ALWAYS_ALLOWED =
      Set.copyOf(
          List.of(
              "engine::channels::create",
              "engine::workers::register",
              "engine::log::info",
              "engine::log::warn",
              "engine::log::error",
              "engine::log::debug",
              "engine::log::trace",
              "engine::baggage::get",
              "engine::baggage::set",
              "engine::baggage::get_all"));

  /** The stored form of an id this connection registers. */
  public String prefixed(String id) {
    return functionRegistrationPrefix == null ? id : functionRegistrationPrefix + "::" + id;
  }

  /** The id as the connection knows it, for a stored id. */
  public String unprefixed(String storedId) {
    if (functionRegistrationPrefix == null) {
      return storedId;
    }
    String head = functionRegistrationPrefix + "::";
    return storedId.startsWith(head) ? storedId.substring(head.length()) : storedId;
  }
}
