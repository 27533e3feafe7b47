package dev.iii4j.ops;

/**
 * A failed op of {@code state::update} or {@code stream::update}: the op was skipped, later ops
 * still ran.
 *
 * @param opIndex the index of the op in {@code ops}
 * @param code a stable code such as {@code increment.not_number}
 * @param message a human-readable description
 * @param docUrl where the codes are documented
 */
public record UpdateOpError(int opIndex, String code, String message, String docUrl) {
  /** The documentation link every error carries (the reference uses the state page for both). */
  public static final String DOC_URL = "https://iii.dev/docs/workers/iii-state#error-codes";

  /** An error with the standard {@link #DOC_URL}. */
  public static UpdateOpError of(int opIndex, String code, String message) {
    return new UpdateOpError(opIndex, code, message, DOC_URL);
  }
}
