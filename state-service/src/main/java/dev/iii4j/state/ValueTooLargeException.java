package dev.iii4j.state;

/** {@code state::set} was given a value whose JSON is longer than {@code max-value-bytes}. */
public class ValueTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A rejection of a value of {@code bytes} against {@code limit}. */
  public ValueTooLargeException(long bytes, long limit) {
    super("value of " + bytes + " bytes exceeds the configured max_value_bytes limit of " + limit);
  }
}
