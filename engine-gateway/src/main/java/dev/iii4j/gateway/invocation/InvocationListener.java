package dev.iii4j.gateway.invocation;

/** Told about every finished invocation (metrics, audit). Must be quick and must not throw. */
public interface InvocationListener {

  /**
   * An invocation ended.
   *
   * @param functionId the function called
   * @param kind who ran it: {@code worker}, {@code http} or {@code builtin}; {@code none} when no
   *     provider was found
   * @param outcome how it ended
   * @param nanos how long it took
   */
  void completed(String functionId, String kind, Outcome outcome, long nanos);
}
