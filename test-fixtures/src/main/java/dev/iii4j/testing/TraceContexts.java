package dev.iii4j.testing;

import java.util.concurrent.ThreadLocalRandom;

/** W3C trace contexts for tests that follow one trace across the services. */
public final class TraceContexts {
  private TraceContexts() {}

  /** A new sampled {@code traceparent} with a random trace id and parent span id. */
  public static String newTraceparent() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "00-"
        + hex(random.nextLong() | 1L)
        + hex(random.nextLong())
        + "-"
        + hex(random.nextLong() | 1L)
        + "-01";
  }

  /** The 32-hex-digit trace id of a {@code traceparent}. */
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
