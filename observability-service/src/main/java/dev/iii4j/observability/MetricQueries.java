package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregations behind {@code engine::metrics::list} ({@code aggregated_metrics}) and {@code
 * engine::rollups::list}, with the reference's semantics: a metric falls in the bucket of its
 * ingestion time ({@code timestamp_unix_nano / interval * interval}); a number bucket holds every
 * number data point's value of one metric name ({@code count}, {@code sum}, {@code min}, {@code
 * max}, {@code avg}, and {@code percentiles} p50 to p99, nearest rank, once it holds 5 values or
 * more); a histogram bucket merges the histogram points of one name ({@code total_count}, {@code
 * total_sum}, {@code min}, {@code max}, {@code bucket_counts} added where the bucket layouts
 * agree). Both ordered by name, then bucket start. Stateless.
 */
public final class MetricQueries {
  /** The rollup levels' intervals: 1 minute, 5 minutes, 1 hour (any level past 2). */
  private static final long[] LEVEL_INTERVAL_NANOS = {
    60_000_000_000L, 300_000_000_000L, 3_600_000_000_000L
  };

  private MetricQueries() {}

  /** A rollup level's interval in nanoseconds, as the reference maps it (2 and above: 1 hour). */
  public static long levelInterval(long level) {
    return LEVEL_INTERVAL_NANOS[(int) Math.min(level, LEVEL_INTERVAL_NANOS.length - 1)];
  }

  /** Number data points aggregated per metric name and bucket of {@code intervalNanos}. */
  public static List<JsonNode> aggregate(List<Metric> metrics, long intervalNanos) {
    Map<String, TreeMap<Long, List<Double>>> buckets = new TreeMap<>();
    for (Metric metric : metrics) {
      long start = bucket(metric, intervalNanos);
      for (JsonNode point : metric.dataPoints()) {
        JsonNode value = point.get("value");
        if (value != null && value.isNumber()) {
          buckets
              .computeIfAbsent(metric.name(), n -> new TreeMap<>())
              .computeIfAbsent(start, s -> new ArrayList<>())
              .add(value.getDoubleValue());
        }
      }
    }
    List<JsonNode> aggregated = new ArrayList<>();
    buckets.forEach(
        (name, byStart) ->
            byStart.forEach(
                (start, values) -> {
                  values.sort(Comparator.naturalOrder());
                  double sum = 0;
                  for (double v : values) {
                    sum += v;
                  }
                  Map<String, JsonNode> doc = new LinkedHashMap<>();
                  doc.put("name", JsonNode.createStringNode(name));
                  doc.put("bucket_start_ns", JsonNode.createNumberNode(start));
                  doc.put("bucket_end_ns", JsonNode.createNumberNode(start + intervalNanos));
                  doc.put("count", JsonNode.createNumberNode(values.size()));
                  doc.put("sum", JsonNode.createNumberNode(sum));
                  doc.put("min", JsonNode.createNumberNode(values.get(0)));
                  doc.put("max", JsonNode.createNumberNode(values.get(values.size() - 1)));
                  doc.put("avg", JsonNode.createNumberNode(sum / values.size()));
                  if (values.size() >= 5) {
                    Map<String, JsonNode> percentiles = new LinkedHashMap<>();
                    percentiles.put("p50", rank(values, 0.50));
                    percentiles.put("p75", rank(values, 0.75));
                    percentiles.put("p90", rank(values, 0.90));
                    percentiles.put("p95", rank(values, 0.95));
                    percentiles.put("p99", rank(values, 0.99));
                    doc.put("percentiles", JsonNode.createObjectNode(percentiles));
                  }
                  aggregated.add(JsonNode.createObjectNode(doc));
                }));
    return aggregated;
  }

  /** Histogram data points merged per metric name and bucket of {@code intervalNanos}. */
  public static List<JsonNode> aggregateHistograms(List<Metric> metrics, long intervalNanos) {
    Map<String, TreeMap<Long, HistogramBucket>> buckets = new TreeMap<>();
    for (Metric metric : metrics) {
      if (!metric.histogram()) {
        continue;
      }
      long start = bucket(metric, intervalNanos);
      for (JsonNode point : metric.dataPoints()) {
        buckets
            .computeIfAbsent(metric.name(), n -> new TreeMap<>())
            .computeIfAbsent(start, s -> new HistogramBucket(point))
            .add(point);
      }
    }
    List<JsonNode> aggregated = new ArrayList<>();
    buckets.forEach(
        (name, byStart) ->
            byStart.forEach(
                (start, b) -> {
                  Map<String, JsonNode> doc = new LinkedHashMap<>();
                  doc.put("name", JsonNode.createStringNode(name));
                  doc.put("bucket_start_ns", JsonNode.createNumberNode(start));
                  doc.put("bucket_end_ns", JsonNode.createNumberNode(start + intervalNanos));
                  doc.put("total_count", JsonNode.createNumberNode(b.count));
                  doc.put("total_sum", JsonNode.createNumberNode(b.sum));
                  doc.put(
                      "min",
                      b.min == null ? JsonNode.nullNode() : JsonNode.createNumberNode(b.min));
                  doc.put(
                      "max",
                      b.max == null ? JsonNode.nullNode() : JsonNode.createNumberNode(b.max));
                  List<JsonNode> counts = new ArrayList<>();
                  for (long c : b.bucketCounts) {
                    counts.add(JsonNode.createNumberNode(c));
                  }
                  doc.put("bucket_counts", JsonNode.createArrayNode(counts));
                  doc.put("explicit_bounds", b.explicitBounds);
                  aggregated.add(JsonNode.createObjectNode(doc));
                }));
    return aggregated;
  }

  private static long bucket(Metric metric, long intervalNanos) {
    return Math.floorDiv(metric.timestampNanos(), intervalNanos) * intervalNanos;
  }

  private static JsonNode rank(List<Double> sorted, double p) {
    int index = Math.min((int) (sorted.size() * p), sorted.size() - 1);
    return JsonNode.createNumberNode(sorted.get(index));
  }

  private static final class HistogramBucket {
    private long count;
    private double sum;
    private @Nullable Double min;
    private @Nullable Double max;
    private final long[] bucketCounts;
    private final JsonNode explicitBounds;

    HistogramBucket(JsonNode first) {
      JsonNode counts = first.get("bucket_counts");
      this.bucketCounts = new long[counts != null && counts.isArray() ? counts.size() : 0];
      JsonNode bounds = first.get("explicit_bounds");
      this.explicitBounds =
          bounds != null && bounds.isArray() ? bounds : JsonNode.createArrayNode(List.of());
    }

    void add(JsonNode point) {
      count += Span.number(point.get("count"));
      JsonNode s = point.get("sum");
      sum += s != null && s.isNumber() ? s.getDoubleValue() : 0;
      JsonNode pointMin = point.get("min");
      if (pointMin != null && pointMin.isNumber()) {
        min = min == null ? pointMin.getDoubleValue() : Math.min(min, pointMin.getDoubleValue());
      }
      JsonNode pointMax = point.get("max");
      if (pointMax != null && pointMax.isNumber()) {
        max = max == null ? pointMax.getDoubleValue() : Math.max(max, pointMax.getDoubleValue());
      }
      JsonNode counts = point.get("bucket_counts");
      if (counts != null && counts.isArray() && counts.size() == bucketCounts.length) {
        for (int i = 0; i < bucketCounts.length; i++) {
          bucketCounts[i] += Span.number(counts.get(i));
        }
      }
    }
  }
}
