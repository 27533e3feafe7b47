package dev.iii4j.observability;

import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored SDK metric: one metric of an OTLP export with its data points. {@code doc} is the
 * metric as {@code engine::metrics::list} returns it in {@code sdk_metrics} (the reference's shape:
 * {@code name}, {@code description}, {@code unit}, {@code metric_type} ({@code counter}, {@code
 * updowncounter}, {@code gauge}, {@code histogram}), {@code data_points}, {@code service_name},
 * {@code timestamp_unix_nano}, {@code instrumentation_scope_name?}, {@code
 * instrumentation_scope_version?}). A number data point is {@code {value, attributes,
 * timestamp_unix_nano}}, a histogram's {@code {count, sum, bucket_counts, explicit_bounds, min,
 * max, attributes, timestamp_unix_nano}}.
 *
 * @param name the metric's name
 * @param timestampNanos when it was ingested, Unix nanoseconds (the reference stamps a metric with
 *     its ingestion time, not its data points' times; rollups bucket on it)
 * @param doc the whole metric
 * @param temporality a sum's or histogram's aggregation temporality as ingested, {@code delta} or
 *     {@code cumulative} ({@link #CUMULATIVE} when not said); not stored (the reference's shape has
 *     no such field), so for OTLP export at ingestion only: empty for a metric read from the store
 */
public record Metric(String name, long timestampNanos, JsonNode doc, String temporality) {

  /** A delta sum's or histogram's {@link #temporality()}. */
  public static final String DELTA = "delta";

  /** A cumulative sum's or histogram's {@link #temporality()} (OTLP's default). */
  public static final String CUMULATIVE = "cumulative";

  /** The histogram type's {@code metric_type}. */
  public static final String HISTOGRAM = "histogram";

  /** A metric from its stored shape. */
  public static Metric of(JsonNode doc) {
    return new Metric(
        Span.text(doc.get("name")), Span.number(doc.get("timestamp_unix_nano")), doc, "");
  }

  /** Its {@code metric_type}. */
  public String type() {
    return Span.text(doc.get("metric_type"));
  }

  /** Whether its data points are histograms. */
  public boolean histogram() {
    return HISTOGRAM.equals(Span.text(doc.get("metric_type")));
  }

  /** Its data points. */
  public List<JsonNode> dataPoints() {
    JsonNode points = doc.get("data_points");
    List<JsonNode> list = new ArrayList<>();
    if (points != null && points.isArray()) {
      points.values().forEach(list::add);
    }
    return list;
  }
}
