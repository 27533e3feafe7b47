package dev.iii4j.observability.export;

import dev.iii4j.observability.Metric;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored metric as the SDK's exporters take it, built with the public {@code
 * io.opentelemetry.sdk.metrics.data} factories only: a gauge as a double gauge, a {@code counter}
 * or {@code updowncounter} as a monotonic or non-monotonic double sum with the temporality it came
 * with, a histogram with its count, sum, min, max, bounds and bucket counts. Values are stored as
 * numbers without their integer/double kind, so every number point goes out as a double. A point's
 * start time is not stored: it goes out as 0 (unknown). Attributes go out as strings (the stored
 * values are text). A histogram point whose bucket counts do not match its bounds is left out.
 */
final class StoredMetricData extends StoredData implements MetricData {
  private final Metric metric;
  private final MetricDataType type;
  private final Data<?> data;

  private StoredMetricData(Metric metric, Resource resource, MetricDataType type, Data<?> data) {
    super(metric.doc(), resource);
    this.metric = metric;
    this.type = type;
    this.data = data;
  }

  /** The metric as export data; null for a type this service does not store. */
  static @Nullable MetricData of(Metric metric, Resource resource) {
    AggregationTemporality temporality =
        Metric.DELTA.equals(metric.temporality())
            ? AggregationTemporality.DELTA
            : AggregationTemporality.CUMULATIVE;
    MetricDataType type;
    Data<?> data;
    switch (metric.type()) {
      case "gauge" -> {
        type = MetricDataType.DOUBLE_GAUGE;
        data = GaugeData.createDoubleGaugeData(numberPoints(metric));
      }
      case "counter", "updowncounter" -> {
        type = MetricDataType.DOUBLE_SUM;
        data =
            SumData.createDoubleSumData(
                metric.type().equals("counter"), temporality, numberPoints(metric));
      }
      case Metric.HISTOGRAM -> {
        type = MetricDataType.HISTOGRAM;
        data = HistogramData.create(temporality, histogramPoints(metric));
      }
      default -> {
        return null;
      }
    }
    return new StoredMetricData(metric, resource, type, data);
  }

  private static List<DoublePointData> numberPoints(Metric metric) {
    List<DoublePointData> points = new ArrayList<>();
    for (JsonNode point : metric.dataPoints()) {
      points.add(
          DoublePointData.create(
              0, time(point), attributes(point), number(point.get("value")), List.of()));
    }
    return points;
  }

  private static List<HistogramPointData> histogramPoints(Metric metric) {
    List<HistogramPointData> points = new ArrayList<>();
    for (JsonNode point : metric.dataPoints()) {
      JsonNode min = point.get("min");
      JsonNode max = point.get("max");
      List<Double> bounds = new ArrayList<>();
      JsonNode stored = point.get("explicit_bounds");
      if (stored != null && stored.isArray()) {
        stored.values().forEach(b -> bounds.add(number(b)));
      }
      List<Long> counts = new ArrayList<>();
      stored = point.get("bucket_counts");
      if (stored != null && stored.isArray()) {
        stored.values().forEach(c -> counts.add(c.isNumber() ? c.getLongValue() : 0L));
      }
      try {
        points.add(
            HistogramPointData.create(
                0,
                time(point),
                attributes(point),
                number(point.get("sum")),
                min != null && min.isNumber(),
                number(min),
                max != null && max.isNumber(),
                number(max),
                bounds,
                counts));
      } catch (IllegalArgumentException e) {
        // Bucket counts that do not match the bounds: the SDK refuses the point; leave it out.
      }
    }
    return points;
  }

  private static long time(JsonNode point) {
    JsonNode time = point.get("timestamp_unix_nano");
    return time != null && time.isNumber() ? time.getLongValue() : 0;
  }

  private static double number(@Nullable JsonNode value) {
    return value != null && value.isNumber() ? value.getDoubleValue() : 0.0;
  }

  /** The stored {@code [key, value]} pairs as string attributes. */
  private static Attributes attributes(JsonNode point) {
    AttributesBuilder builder = Attributes.builder();
    JsonNode pairs = point.get("attributes");
    if (pairs != null && pairs.isArray()) {
      for (JsonNode pair : pairs.values()) {
        if (pair.isArray() && pair.size() == 2) {
          builder.put(pair.get(0).coerceStringValue(), pair.get(1).coerceStringValue());
        }
      }
    }
    return builder.build();
  }

  @Override
  public String getName() {
    return metric.name();
  }

  @Override
  public String getDescription() {
    JsonNode description = metric.doc().get("description");
    return description == null || description.isNull() ? "" : description.coerceStringValue();
  }

  @Override
  public String getUnit() {
    JsonNode unit = metric.doc().get("unit");
    return unit == null || unit.isNull() ? "" : unit.coerceStringValue();
  }

  @Override
  public MetricDataType getType() {
    return type;
  }

  @Override
  public Data<?> getData() {
    return data;
  }
}
