package dev.iii4j.sdk;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context values (<a href="https://www.w3.org/TR/trace-context/">traceparent</a>) for
 * code that starts a trace of its own, such as a scheduler's fire, or follows one across calls.
 * Pass a traceparent on with {@link CallOptions#withTraceparent}.
 */
public final class TraceContext {
  private TraceContext() {}

  /** A new sampled {@code traceparent}: version 00, a random trace id and parent span id. */
  public static String newTraceparent() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "00-"
        + hex(random.nextLong() | 1L)
        + hex(random.nextLong())
        + "-"
        + hex(random.nextLong() | 1L)
        + "-01";
  }

  /**
   * The 32-hex-digit trace id of a {@code traceparent}.
   *
   * @throws IllegalArgumentException when the value is not a traceparent
   */
  public static String traceId(String traceparent) {
    String[] parts = traceparent.split("-", -1);
    if (parts.length != 4 || parts[1].length() != 32) {
      throw new IllegalArgumentException("not a traceparent: " + traceparent);
    }
    return parts[1];
  }

  private static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(16 - digits.length()) + digits;
  }
}
