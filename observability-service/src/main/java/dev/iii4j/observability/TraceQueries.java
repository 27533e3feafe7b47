package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The reads behind {@code engine::traces::list} and {@code engine::traces::tree}, with the
 * reference's semantics: a row is a trace's root span (no parent, or a parent that is not stored,
 * as for a trace that entered from an outside caller) unless {@code search_all_spans}; engine spans
 * of {@code engine::*} functions are hidden unless {@code include_internal}; text filters are
 * case-insensitive substrings; duration filters in (fractional) milliseconds, a pending span
 * measured until now; times in Unix milliseconds; sort by {@code start_time} (default), {@code
 * duration}/{@code duration_ms}, {@code service_name} or {@code name}, ascending by default.
 */
public final class TraceQueries {
  /** How many spans a listing without trace ids considers at most. */
  public static final int SCAN_LIMIT = 100_000;

  private final TelemetryStore store;

  public TraceQueries(TelemetryStore store) {
    this.store = store;
  }

  /**
   * A listing request; null fields do not filter.
   *
   * @param attributes {@code [key, value]} pairs a row must all carry
   * @param excludeAttributes {@code [key, value]} pairs of which a row must carry none
   */
  public record ListRequest(
      @Nullable String traceId,
      @Nullable List<String> traceIds,
      int offset,
      int limit,
      @Nullable String serviceName,
      @Nullable String name,
      @Nullable String status,
      @Nullable Double minDurationMs,
      @Nullable Double maxDurationMs,
      @Nullable Long startTime,
      @Nullable Long endTime,
      @Nullable String sortBy,
      @Nullable String sortOrder,
      @Nullable List<List<String>> attributes,
      @Nullable List<List<String>> excludeAttributes,
      boolean includeInternal,
      boolean searchAllSpans) {}

  /** One page of spans and the number that matched. */
  public record SpanPage(List<Span> spans, int total, int offset, int limit) {}

  /** {@code engine::traces::list}. */
  public SpanPage list(ListRequest request, long nowNanos) {
    List<Span> all;
    if (request.traceId() != null) {
      all = store.spansOf(List.of(request.traceId()));
    } else if (request.traceIds() != null) {
      all = store.spansOf(request.traceIds());
    } else {
      all = null;
    }
    boolean searchAll = request.searchAllSpans();
    List<Span> rows;
    List<Span> scope;
    if (all != null) {
      Set<String> present = new HashSet<>();
      all.forEach(s -> present.add(s.spanId()));
      rows =
          searchAll
              ? all
              : all.stream()
                  .filter(s -> s.parentSpanId() == null || !present.contains(s.parentSpanId()))
                  .toList();
      scope = all;
    } else {
      rows = store.spans(searchAll, SCAN_LIMIT);
      scope = rows;
    }
    Set<String> nameMatched = null;
    Set<String> attributesMatched = null;
    if (searchAll && request.name() != null) {
      String needle = request.name().toLowerCase(Locale.ROOT);
      nameMatched = traceIdsOf(scope, s -> lower(s.name()).contains(needle));
    }
    if (searchAll && request.attributes() != null) {
      attributesMatched = traceIdsOf(scope, s -> hasAll(s, request.attributes()));
    }
    List<Span> filtered = new ArrayList<>();
    for (Span s : rows) {
      if (accepts(request, s, nowNanos, nameMatched, attributesMatched)) {
        filtered.add(s);
      }
    }
    filtered.sort(order(request, nowNanos));
    int total = filtered.size();
    int from = Math.min(request.offset(), total);
    int to = (int) Math.min((long) from + request.limit(), total);
    return new SpanPage(
        List.copyOf(filtered.subList(from, to)), total, request.offset(), request.limit());
  }

  private static boolean accepts(
      ListRequest r,
      Span s,
      long nowNanos,
      @Nullable Set<String> nameMatched,
      @Nullable Set<String> attributesMatched) {
    if (!r.includeInternal() && s.internal()) {
      return false;
    }
    if (r.excludeAttributes() != null
        && r.excludeAttributes().stream()
            .anyMatch(p -> p.size() == 2 && p.get(1).equals(s.attributes().get(p.get(0))))) {
      return false;
    }
    if (r.serviceName() != null && !contains(s.serviceName(), r.serviceName())) {
      return false;
    }
    if (r.name() != null) {
      if (nameMatched != null
          ? !nameMatched.contains(s.traceId())
          : !contains(s.name(), r.name())) {
        return false;
      }
    }
    if (r.status() != null && !contains(s.status(), r.status())) {
      return false;
    }
    double durationMs = s.durationNanos(nowNanos) / 1_000_000.0;
    if (r.minDurationMs() != null && durationMs < r.minDurationMs()) {
      return false;
    }
    if (r.maxDurationMs() != null && durationMs > r.maxDurationMs()) {
      return false;
    }
    long end = s.endNanos() == 0 ? nowNanos : s.endNanos();
    if (r.startTime() != null && end < r.startTime() * 1_000_000) {
      return false;
    }
    if (r.endTime() != null && s.startNanos() > r.endTime() * 1_000_000) {
      return false;
    }
    if (r.attributes() != null) {
      return attributesMatched != null
          ? attributesMatched.contains(s.traceId())
          : hasAll(s, r.attributes());
    }
    return true;
  }

  private static Comparator<Span> order(ListRequest r, long nowNanos) {
    String by = r.sortBy() == null ? "start_time" : r.sortBy();
    Comparator<Span> c =
        switch (by) {
          case "duration", "duration_ms" ->
              Comparator.comparingLong(s -> s.durationNanos(nowNanos));
          case "service_name" -> Comparator.comparing(Span::serviceName);
          case "name" -> Comparator.comparing(Span::name);
          default -> Comparator.comparingLong(Span::startNanos);
        };
    boolean ascending = r.sortOrder() == null || r.sortOrder().equalsIgnoreCase("asc");
    return ascending ? c : c.reversed();
  }

  /**
   * {@code engine::traces::tree}: the trace's spans nested under their parents, each node the
   * stored span with a {@code children} array (ordered by start time); spans whose parent is not
   * stored are roots.
   */
  public List<JsonNode> tree(String traceId) {
    List<Span> spans = new ArrayList<>(store.spansOf(List.of(traceId)));
    spans.sort(Comparator.comparingLong(Span::startNanos));
    Map<String, Span> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.spanId(), s));
    Map<String, List<Span>> children = new HashMap<>();
    List<Span> roots = new ArrayList<>();
    for (Span s : spans) {
      if (s.parentSpanId() != null && byId.containsKey(s.parentSpanId())) {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      } else {
        roots.add(s);
      }
    }
    List<JsonNode> nodes = new ArrayList<>();
    for (Span root : roots) {
      nodes.add(node(root, children, new HashSet<>()));
    }
    return nodes;
  }

  private static JsonNode node(Span span, Map<String, List<Span>> children, Set<String> seen) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : span.doc().entries()) {
      fields.put(e.getKey(), e.getValue());
    }
    List<JsonNode> nested = new ArrayList<>();
    if (seen.add(span.spanId())) {
      for (Span child : children.getOrDefault(span.spanId(), List.of())) {
        nested.add(node(child, children, seen));
      }
    }
    fields.put("children", JsonNode.createArrayNode(nested));
    return JsonNode.createObjectNode(fields);
  }

  /**
   * {@code engine::traces::group_by}: stored spans grouped by the value of {@code attribute} (spans
   * without it skipped; {@code engine::*} spans unless {@code includeInternal}; spans that ended
   * before {@code sinceMs}), each group {@code {value, label, trace_ids (sorted), span_count,
   * first_seen_ms, last_seen_ms, duration_ms, error_count}}; newest first by {@code first_seen_ms},
   * at most {@code limit}. {@code label} is the value of {@code labelAttribute} on the group's
   * latest-starting span that carries it. A pending span counts as active until now.
   */
  public List<JsonNode> groupBy(
      String attribute,
      @Nullable Long sinceMs,
      int limit,
      boolean includeInternal,
      @Nullable String labelAttribute,
      long nowNanos) {
    Map<String, Group> groups = new HashMap<>();
    for (Span s : store.spans(true, SCAN_LIMIT)) {
      if (!includeInternal && s.internal()) {
        continue;
      }
      long end = s.endNanos() == 0 ? nowNanos : s.endNanos();
      if (sinceMs != null && end < sinceMs * 1_000_000) {
        continue;
      }
      String value = s.attributes().get(attribute);
      if (value == null) {
        continue;
      }
      Group g = groups.computeIfAbsent(value, v -> new Group(s.startNanos(), end));
      g.traceIds.add(s.traceId());
      g.spans++;
      g.first = Math.min(g.first, s.startNanos());
      g.last = Math.max(g.last, end);
      if (s.status().equalsIgnoreCase("error")) {
        g.errors++;
      }
      String label = labelAttribute == null ? null : s.attributes().get(labelAttribute);
      if (label != null && s.startNanos() >= g.labelSeenAt) {
        g.label = label;
        g.labelSeenAt = s.startNanos();
      }
    }
    List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(
        Comparator.comparingLong((Map.Entry<String, Group> e) -> e.getValue().first / 1_000_000)
            .reversed());
    List<JsonNode> result = new ArrayList<>();
    for (Map.Entry<String, Group> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
      Group g = e.getValue();
      long firstMs = g.first / 1_000_000;
      long lastMs = g.last / 1_000_000;
      List<JsonNode> ids = new ArrayList<>();
      g.traceIds.stream().sorted().forEach(id -> ids.add(JsonNode.createStringNode(id)));
      Map<String, JsonNode> doc = new LinkedHashMap<>();
      doc.put("value", JsonNode.createStringNode(e.getKey()));
      doc.put("label", g.label == null ? JsonNode.nullNode() : JsonNode.createStringNode(g.label));
      doc.put("trace_ids", JsonNode.createArrayNode(ids));
      doc.put("span_count", JsonNode.createNumberNode(g.spans));
      doc.put("first_seen_ms", JsonNode.createNumberNode(firstMs));
      doc.put("last_seen_ms", JsonNode.createNumberNode(lastMs));
      doc.put(
          "duration_ms",
          JsonNode.createNumberNode(Math.min(Math.max(0, lastMs - firstMs), 0xFFFF_FFFFL)));
      doc.put("error_count", JsonNode.createNumberNode(g.errors));
      result.add(JsonNode.createObjectNode(doc));
    }
    return result;
  }

  private static final class Group {
    private final Set<String> traceIds = new HashSet<>();
    private long spans;
    private long first;
    private long last;
    private long errors;
    private @Nullable String label;
    private long labelSeenAt;

    Group(long first, long last) {
      this.first = first;
      this.last = last;
    }
  }

  private static Set<String> traceIdsOf(Collection<Span> spans, Predicate<Span> test) {
    Set<String> ids = new HashSet<>();
    for (Span s : spans) {
      if (test.test(s)) {
        ids.add(s.traceId());
      }
    }
    return ids;
  }

  private static boolean hasAll(Span s, List<List<String>> pairs) {
    return pairs.stream()
        .allMatch(p -> p.size() != 2 || p.get(1).equals(s.attributes().get(p.get(0))));
  }

  private static boolean contains(String haystack, String needle) {
    return lower(haystack).contains(needle.toLowerCase(Locale.ROOT));
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
