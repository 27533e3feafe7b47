package dev.iii4j.http;

/**
 * A route has the same method and shape as an existing one but different parameter names. The
 * message is the reference's, and the SDK reports it as {@code trigger_registration_failed}.
 */
public final class RouteConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A conflict between {@code route} and the already registered {@code existing}. */
  public RouteConflictException(Route route, Route existing) {
    super(
        "Route '"
            + route.method()
            + " "
            + route.displayPath()
            + "' conflicts with already-registered route '"
            + existing.method()
            + " "
            + existing.displayPath()
            + "': routes with identical structure but different path-parameter names are not"
            + " supported");
  }
}
