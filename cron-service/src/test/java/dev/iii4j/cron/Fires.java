package dev.iii4j.cron;

import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a test function received: one {@link Fire} per invocation. */
final class Fires {
  /** One invocation of the recording handler. */
  record Fire(
      Instant receivedAt, JsonNode payload, JsonNode metadata, @Nullable String traceparent) {
    Instant scheduled() {
      return OffsetDateTime.parse(payload.get("scheduled_time").getStringValue()).toInstant();
    }

    Instant actual() {
      return OffsetDateTime.parse(payload.get("actual_time").getStringValue()).toInstant();
    }

    /** From the scheduled second to the handler receiving the call. */
    Duration delay() {
      return Duration.between(scheduled(), receivedAt);
    }
  }

  private final List<Fire> fires = new CopyOnWriteArrayList<>();

  /** A handler that records each call and answers {@code null}. */
  FunctionHandler handler() {
    return invocation -> {
      record(invocation);
      return CompletableFuture.completedFuture(null);
    };
  }

  void record(Invocation invocation) {
    fires.add(
        new Fire(
            Instant.now(),
            SerdeTrees.serde(invocation.data()),
            SerdeTrees.serde(invocation.metadata()),
            invocation.traceparent()));
  }

  List<Fire> all() {
    return new ArrayList<>(fires);
  }

  int size() {
    return fires.size();
  }

  List<Instant> scheduled() {
    return all().stream().map(Fire::scheduled).toList();
  }
}
