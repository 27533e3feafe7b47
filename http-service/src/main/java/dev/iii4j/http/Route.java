package dev.iii4j.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code http} trigger as a route: method, path template and what to run. Immutable.
 *
 * @param triggerId the trigger that owns the route
 * @param functionId the handler
 * @param method the upper-case HTTP method
 * @param path the {@code api_path} exactly as registered (delivered as {@code path} and {@code
 *     trigger.path})
 * @param segments the template's segments, after removing one leading slash
 * @param conditionFunctionId optional condition function
 * @param middlewareFunctionIds per-route middleware, run in order
 * @param metadata the trigger's metadata, passed as invocation metadata
 */
public record Route(
    String triggerId,
    String functionId,
    String method,
    String path,
    List<Segment> segments,
    @Nullable String conditionFunctionId,
    List<String> middlewareFunctionIds,
    @Nullable JsonNode metadata) {

  /** A segment of a path template. */
  public sealed interface Segment {
    /** A segment that must equal the request's segment exactly. */
    record Literal(String text) implements Segment {}

    /** A parameter segment ({@code :name} or {@code {name}}) that matches any one segment. */
    record Param(String name) implements Segment {}
  }

  /** Checks the fields and copies the lists. */
  public Route {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(functionId, "functionId");
    method = method.toUpperCase(Locale.ROOT);
    segments = List.copyOf(segments);
    middlewareFunctionIds = List.copyOf(middlewareFunctionIds);
  }

  /**
   * Builds a route from the trigger's parts; {@code api_path} may start with a slash or not.
   *
   * @throws IllegalArgumentException when the path is null
   */
  public static Route of(
      String triggerId,
      String functionId,
      @Nullable String method,
      String apiPath,
      @Nullable String conditionFunctionId,
      List<String> middlewareFunctionIds,
      @Nullable JsonNode metadata) {
    if (apiPath == null) {
      throw new IllegalArgumentException("api_path is required for http triggers");
    }
    return new Route(
        triggerId,
        functionId,
        method == null || method.isBlank() ? "GET" : method,
        apiPath,
        parse(apiPath),
        conditionFunctionId,
        middlewareFunctionIds,
        metadata);
  }

  /** The template's segments; {@code users/} and {@code users} differ (trailing slash). */
  static List<Segment> parse(String apiPath) {
    String p = apiPath.startsWith("/") ? apiPath.substring(1) : apiPath;
    List<Segment> out = new ArrayList<>();
    for (String s : p.split("/", -1)) {
      if (s.length() > 1 && s.charAt(0) == ':') {
        out.add(new Segment.Param(s.substring(1)));
      } else if (s.length() > 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
        // The reference routes {name} but never fills path_params; we deliver it like :name.
        out.add(new Segment.Param(s.substring(1, s.length() - 1)));
      } else {
        out.add(new Segment.Literal(s));
      }
    }
    return out;
  }

  /** The route's shape: method and template with parameter names erased ({@code GET u/:}). */
  String shape() {
    StringBuilder b = new StringBuilder(method).append(' ');
    appendSegments(b, false);
    return b.toString();
  }

  /** The route's identity: method and template with parameter names ({@code GET u/:id}). */
  String key() {
    StringBuilder b = new StringBuilder(method).append(' ');
    appendSegments(b, true);
    return b.toString();
  }

  /** The template in the {@code :name} spelling, without a leading slash, for messages. */
  String displayPath() {
    StringBuilder b = new StringBuilder();
    appendSegments(b, true);
    return b.toString();
  }

  private void appendSegments(StringBuilder b, boolean names) {
    for (int i = 0; i < segments.size(); i++) {
      if (i > 0) {
        b.append('/');
      }
      switch (segments.get(i)) {
        case Segment.Literal l -> b.append(l.text());
        case Segment.Param p -> b.append(':').append(names ? p.name() : "");
      }
    }
  }

  /**
   * Whether the request's path segments match the template (a parameter matches any non-empty
   * segment).
   */
  boolean matches(List<String> requestSegments) {
    if (requestSegments.size() != segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      String actual = requestSegments.get(i);
      boolean ok =
          switch (segments.get(i)) {
            case Segment.Literal l -> l.text().equals(actual);
            case Segment.Param p -> !actual.isEmpty();
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * The path parameters of request segments that {@linkplain #matches(List) match}, in template
   * order (values are not percent-decoded).
   */
  Map<String, String> params(List<String> requestSegments) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i) instanceof Segment.Param p) {
        params.put(p.name(), requestSegments.get(i));
      }
    }
    return params;
  }
}
