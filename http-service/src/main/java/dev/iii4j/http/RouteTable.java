package dev.iii4j.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of every {@code http} trigger this replica holds (spec section 4.2). Routes are keyed
 * by method and template: registering the same route again replaces it (last wins), a route with
 * the same method and shape but other parameter names is rejected, and a trigger's unregistration
 * removes its route only while that trigger still owns it.
 *
 * <p>Threading: mutations are serialised; {@link #match} reads an immutable snapshot and never
 * blocks, so it may run on a network thread.
 */
public final class RouteTable {
  /** The methods the server routes; a route with another method registers but never matches. */
  public static final Set<String> ROUTED_METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  private final Map<String, Route> byKey = new HashMap<>();
  private final Map<String, String> keyByTrigger = new HashMap<>();
  private final Set<String> orphans = ConcurrentHashMap.newKeySet();
  private volatile List<Route> snapshot = List.of();

  /**
   * Adds or replaces the route of {@code route.triggerId()}.
   *
   * @throws RouteConflictException when another trigger's route has the same method and shape but
   *     different parameter names; the table is then unchanged
   */
  public synchronized void add(Route route) {
    String ownKey = keyByTrigger.get(route.triggerId());
    String shape = route.shape();
    List<Route> staleOrphans = new ArrayList<>();
    for (Route existing : byKey.values()) {
      if (existing.shape().equals(shape)
          && !existing.key().equals(route.key())
          && !existing.triggerId().equals(route.triggerId())) {
        if (orphans.contains(existing.triggerId())) {
          staleOrphans.add(existing);
        } else {
          throw new RouteConflictException(route, existing);
        }
      }
    }
    staleOrphans.forEach(o -> removeRoute(o.triggerId()));
    orphans.remove(route.triggerId());
    if (ownKey != null) {
      byKey.remove(ownKey);
    }
    Route displaced = byKey.put(route.key(), route);
    if (displaced != null && !displaced.triggerId().equals(route.triggerId())) {
      keyByTrigger.remove(displaced.triggerId());
      orphans.remove(displaced.triggerId());
    }
    keyByTrigger.put(route.triggerId(), route.key());
    snapshot = List.copyOf(byKey.values());
  }

  /** Removes the route of this trigger, if the trigger still owns one. */
  public synchronized void remove(String triggerId) {
    removeRoute(triggerId);
  }

  /**
   * Keeps the route of a trigger that was withdrawn because the gateway connection was lost: while
   * disconnected it still matches (so its requests get 503, not 404); once connected again it is
   * ignored until the gateway's replay registers the trigger again or a new route replaces it.
   */
  public synchronized void orphan(String triggerId) {
    if (keyByTrigger.containsKey(triggerId)) {
      orphans.add(triggerId);
    }
  }

  private void removeRoute(String triggerId) {
    orphans.remove(triggerId);
    String key = keyByTrigger.remove(triggerId);
    if (key != null) {
      Route route = byKey.get(key);
      if (route != null && route.triggerId().equals(triggerId)) {
        byKey.remove(key);
        snapshot = List.copyOf(byKey.values());
      }
    }
  }

  /** The route of a trigger, if it owns one. */
  public Optional<Route> route(String triggerId) {
    return snapshot.stream().filter(r -> r.triggerId().equals(triggerId)).findFirst();
  }

  /** How many routes are registered. */
  public int size() {
    return snapshot.size();
  }

  /**
   * Finds the route for a request. Literal segments win over parameters, compared from the left; a
   * trailing slash is significant.
   *
   * @param method the request method, upper case
   * @param rawPath the request path without the query, as received (not percent-decoded)
   */
  public RouteMatch match(String method, String rawPath) {
    return match(method, rawPath, true);
  }

  /**
   * Finds the route for a request, as {@link #match(String, String)}.
   *
   * @param connected whether the gateway connection is up; orphaned routes match only while not
   */
  public RouteMatch match(String method, String rawPath, boolean connected) {
    List<String> segments = segments(rawPath);
    Route best = null;
    Set<String> allowed = null;
    // Nothing is allocated per route: the parameters are read for the route that wins only.
    for (Route route : snapshot) {
      if (!ROUTED_METHODS.contains(route.method())
          || (connected && !orphans.isEmpty() && orphans.contains(route.triggerId()))
          || !route.matches(segments)) {
        continue;
      }
      if (!route.method().equals(method)) {
        if (allowed == null) {
          allowed = new TreeSet<>();
        }
        allowed.add(route.method());
        continue;
      }
      if (best == null || moreSpecific(route, best)) {
        best = route;
      }
    }
    if (best != null) {
      return new RouteMatch.Found(best, best.params(segments));
    }
    return allowed == null ? new RouteMatch.NotFound() : new RouteMatch.MethodNotAllowed(allowed);
  }

  private static boolean moreSpecific(Route a, Route b) {
    for (int i = 0; i < a.segments().size(); i++) {
      boolean aLiteral = a.segments().get(i) instanceof Route.Segment.Literal;
      boolean bLiteral = b.segments().get(i) instanceof Route.Segment.Literal;
      if (aLiteral != bLiteral) {
        return aLiteral;
      }
    }
    return false;
  }

  static List<String> segments(String rawPath) {
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= p.length(); i++) {
      if (i == p.length() || p.charAt(i) == '/') {
        out.add(p.substring(start, i));
        start = i + 1;
      }
    }
    return out;
  }
}
