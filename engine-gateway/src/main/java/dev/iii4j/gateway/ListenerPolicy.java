package dev.iii4j.gateway;

import dev.iii4j.gateway.config.ListenerProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * The access rules of one worker listener.
 *
 * @param name the listener's name ({@code main} for the default listener)
 * @param middlewareFunctionId routes every call (except {@code engine::*}) through this function
 * @param rbac the RBAC block, null when the listener has none (everything allowed, no hooks)
 */
public record ListenerPolicy(
    String name, @Nullable String middlewareFunctionId, @Nullable Rbac rbac) {

  /**
   * The RBAC block of a listener.
   *
   * @param authFunctionId authenticates connections; null accepts every connection
   * @param expose which functions connections may call beyond their allowed list
   * @param onFunctionRegistration hook for function registrations, or null
   * @param onTriggerRegistration hook for trigger registrations, or null
   * @param onTriggerTypeRegistration hook for trigger type registrations, or null
   */
  public record Rbac(
      @Nullable String authFunctionId,
      List<ExposeFilter> expose,
      @Nullable String onFunctionRegistration,
      @Nullable String onTriggerRegistration,
      @Nullable String onTriggerTypeRegistration) {}

  /** The default listener: no middleware, no RBAC. */
  public static ListenerPolicy open(String name) {
    return new ListenerPolicy(name, null, null);
  }

  /** The policy configured for an additional listener. */
  public static ListenerPolicy of(ListenerProperties p) {
    List<String> filters = p.exposeFunctions() == null ? List.of() : p.exposeFunctions();
    boolean hasRbac =
        p.authFunctionId() != null
            || !filters.isEmpty()
            || p.onFunctionRegistrationFunctionId() != null
            || p.onTriggerRegistrationFunctionId() != null
            || p.onTriggerTypeRegistrationFunctionId() != null;
    Rbac rbac =
        hasRbac
            ? new Rbac(
                blankToNull(p.authFunctionId()),
                filters.stream().filter(f -> !f.isBlank()).map(ExposeFilter::parse).toList(),
                blankToNull(p.onFunctionRegistrationFunctionId()),
                blankToNull(p.onTriggerRegistrationFunctionId()),
                blankToNull(p.onTriggerTypeRegistrationFunctionId()))
            : null;
    return new ListenerPolicy(p.name(), blankToNull(p.middlewareFunctionId()), rbac);
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
