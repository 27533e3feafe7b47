package dev.iii4j.gateway.telemetry;

/**
 * W3C {@code traceparent} values ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}),
 * read without allocating more than the ids.
 */
final class Traceparent {
  private static final int LENGTH = 55;
  private static final String ZERO_TRACE = "00000000000000000000000000000000";
  private static final String ZERO_SPAN = "0000000000000000";

  private Traceparent() {}

  /** Whether {@code value} is a well-formed traceparent with non-zero ids. */
  static boolean valid(String value) {
    if (value.length() < LENGTH
        || value.charAt(2) != '-'
        || value.charAt(35) != '-'
        || value.charAt(52) != '-') {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (i == 2 || i == 35 || i == 52) {
        continue;
      }
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return !value.startsWith("ff")
        && !value.regionMatches(3, ZERO_TRACE, 0, 32)
        && !value.regionMatches(36, ZERO_SPAN, 0, 16);
  }

  static String traceId(String value) {
    return value.substring(3, 35);
  }

  static String spanId(String value) {
    return value.substring(36, 52);
  }

  /** Whether the sampled flag (bit 0 of the flags) is set. */
  static boolean sampled(String value) {
    return (Character.digit(value.charAt(54), 16) & 1) == 1;
  }

  /** 16 lowercase hex digits. */
  static String hex(long value) {
    String digits = Long.toHexString(value);
    return digits.length() == 16 ? digits : "0".repeat(16 - digits.length()) + digits;
  }
}
