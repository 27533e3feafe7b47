package dev.iii4j.http;

import java.util.Map;
import java.util.Set;

/** What {@link RouteTable#match} found for a request. */
public sealed interface RouteMatch {

  /** A route for the path and method, with the path parameters (not percent-decoded). */
  record Found(Route route, Map<String, String> pathParams) implements RouteMatch {}

  /** Routes exist for the path, but none for the method; {@code allowed} lists their methods. */
  record MethodNotAllowed(Set<String> allowed) implements RouteMatch {}

  /** No route has this path. */
  record NotFound() implements RouteMatch {}
}
