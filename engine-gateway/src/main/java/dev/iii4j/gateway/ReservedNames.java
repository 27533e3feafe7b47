package dev.iii4j.gateway;

import java.util.Set;

/**
 * Function ids and trigger types that belong to the engine's built-in workers. When the gateway has
 * a service token, only connections that presented it may register these, so an ordinary worker
 * cannot take over {@code state::set} or the {@code http} trigger type.
 */
public final class ReservedNames {

  private static final Set<String> FUNCTION_PREFIXES =
      Set.of("engine::", "state::", "iii::", "queue::", "cron::", "http::");

  private static final Set<String> FUNCTION_IDS = Set.of("publish");

  private static final Set<String> TRIGGER_TYPES =
      Set.of(
          "http",
          "cron",
          "state",
          "durable:subscriber",
          "queue",
          "stream",
          "stream:join",
          "stream:leave",
          "subscribe",
          "log",
          "trace",
          "configuration");

  private ReservedNames() {}

  /**
   * Whether a function id is reserved. {@code stream::*} ids are reserved except the custom stream
   * provider ids such as {@code stream::get(orders)}, which ordinary workers register.
   */
  public static boolean isReservedFunction(String id) {
    if (FUNCTION_IDS.contains(id)) {
      return true;
    }
    if (id.startsWith("stream::")) {
      return id.indexOf('(') < 0;
    }
    return FUNCTION_PREFIXES.stream().anyMatch(id::startsWith);
  }

  /** Whether a trigger type id is reserved. */
  public static boolean isReservedTriggerType(String id) {
    return TRIGGER_TYPES.contains(id) || id.startsWith("engine::");
  }
}
