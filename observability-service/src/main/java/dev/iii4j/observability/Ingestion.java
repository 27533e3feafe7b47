package dev.iii4j.observability;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one batch the gateway forwards: {@code spans} (the engine's own, already in the stored
 * shape), {@code traces} and {@code logs} (the OTLP/JSON documents SDKs sent over {@code /otel}, as
 * text), {@code metrics} (OTLP/JSON metrics documents, stamped with the time they are ingested),
 * and hands the stored spans, records and metrics to every {@link TelemetryExporter}. A document
 * that does not parse is skipped and counted; the rest of the batch is stored.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
public class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  private final TelemetryStore store;
  private final JsonMapper json;
  private final List<TelemetryExporter> exporters;
  private final AtomicLong malformed = new AtomicLong();
  private final Clock clock = Clock.systemUTC();

  Ingestion(TelemetryStore store, JsonMapper json, List<TelemetryExporter> exporters) {
    this.store = store;
    this.json = json;
    this.exporters = List.copyOf(exporters);
  }

  /** Stores (and exports) one batch. */
  public void ingest(JsonNode batch) {
    List<Span> spans = new ArrayList<>();
    JsonNode engineSpans = batch.get("spans");
    if (engineSpans != null && engineSpans.isArray()) {
      for (JsonNode doc : engineSpans.values()) {
        if (doc.isObject()) {
          spans.add(Span.of(doc));
        }
      }
    }
    for (JsonNode document : documents(batch, "traces")) {
      spans.addAll(OtlpJson.spans(document));
    }
    List<LogRecord> logs = new ArrayList<>();
    for (JsonNode document : documents(batch, "logs")) {
      logs.addAll(OtlpJson.logs(document));
    }
    List<Metric> metrics = new ArrayList<>();
    long now = clock.millis() * 1_000_000;
    for (JsonNode document : documents(batch, "metrics")) {
      metrics.addAll(OtlpJson.metrics(document, now));
    }
    store.addSpans(spans);
    store.addLogs(logs);
    store.addMetrics(metrics);
    for (TelemetryExporter exporter : exporters) {
      exporter.export(spans, logs, metrics);
    }
  }

  /** How many documents did not parse since start. */
  public long malformed() {
    return malformed.get();
  }

  private List<JsonNode> documents(JsonNode batch, String field) {
    JsonNode texts = batch.get(field);
    if (texts == null || !texts.isArray()) {
      return List.of();
    }
    List<JsonNode> documents = new ArrayList<>();
    for (JsonNode text : texts.values()) {
      try {
        JsonNode document =
            text.isString()
                ? json.readValue(text.getStringValue(), Argument.of(JsonNode.class))
                : text;
        if (document != null && document.isObject()) {
          documents.add(document);
          continue;
        }
      } catch (IOException e) {
        LOG.debug("malformed OTLP/JSON {} document skipped: {}", field, e.getMessage());
      }
      malformed.incrementAndGet();
    }
    return documents;
  }
}
