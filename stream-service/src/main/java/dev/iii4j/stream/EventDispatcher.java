package dev.iii4j.stream;

import dev.iii4j.stream.config.EventProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code stream} trigger events after commit (the same design as state-service's
 * dispatcher): one loop per replica claims batches through {@link StreamStore#dispatch}, delivers
 * the events of a batch concurrently (they are of distinct items) and the targets of one event one
 * after another, and retries unreachable targets with backoff until {@code retry-for} has passed
 * since the commit. Delivered events are pruned after {@code retention}.
 *
 * <p>Threading: the loop runs on its own thread; {@link #wake()} may be called from any thread.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public final class EventDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final StreamStore store;
  private final EventSink sink;
  private final EventProperties properties;
  private final Semaphore signal = new Semaphore(0);
  private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running;
  private Thread loop;

  EventDispatcher(StreamStore store, EventSink sink, EventProperties properties) {
    this.store = store;
    this.sink = sink;
    this.properties = properties;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (properties.dispatchEnabled()) {
      start();
    } else {
      LOG.info(
          "event dispatch is disabled on this replica (engine.stream.events.dispatch-enabled)");
    }
  }

  /** Starts the loop; idempotent. */
  public synchronized void start() {
    if (loop == null) {
      running = true;
      loop = Thread.ofPlatform().daemon().name("stream-event-dispatcher").start(this::run);
    }
  }

  /** Asks the loop to look at the outbox now rather than at the next poll. */
  public void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** Stops the loop after the batch in flight; undelivered events stay in the outbox. */
  @PreDestroy
  public synchronized void stop() {
    running = false;
    if (loop != null) {
      signal.release();
      try {
        loop.join(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loop = null;
    }
    deliveries.shutdownNow();
  }

  private void run() {
    Instant nextPrune = Instant.now();
    while (running) {
      try {
        if (sink.ready()) {
          // Drain: after a batch the next events of the same keys may have become due.
          while (running && store.dispatch(properties.batchSize(), this::deliver) > 0) {
            // keep going
          }
        }
        if (!Instant.now().isBefore(nextPrune)) {
          int pruned = store.prune(properties.retention());
          if (pruned > 0) {
            LOG.debug("pruned {} delivered events", pruned);
          }
          nextPrune = Instant.now().plus(properties.pruneInterval());
        }
      } catch (RuntimeException e) {
        // Thread boundary: a database outage must not end the loop.
        LOG.warn("event dispatch round failed; retrying after the poll interval", e);
      }
      try {
        signal.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        signal.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private List<DeliveryOutcome> deliver(List<PendingEvent> events) {
    List<Future<DeliveryOutcome>> futures = new ArrayList<>(events.size());
    for (PendingEvent event : events) {
      futures.add(deliveries.submit(() -> deliverOne(event)));
    }
    List<DeliveryOutcome> outcomes = new ArrayList<>(events.size());
    for (Future<DeliveryOutcome> future : futures) {
      try {
        outcomes.add(future.get());
      } catch (ExecutionException e) {
        LOG.warn("event delivery failed unexpectedly; it stays pending", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return outcomes;
  }

  private DeliveryOutcome deliverOne(PendingEvent pending) {
    List<EventTarget> targets = pending.pending();
    for (int i = 0; i < targets.size(); i++) {
      EventTarget target = targets.get(i);
      if (sink.deliver(pending.message(), target) == EventSink.Result.DONE) {
        continue;
      }
      Duration age = Duration.between(pending.createdAt(), Instant.now());
      if (age.compareTo(properties.retryFor()) > 0) {
        LOG.warn(
            "giving up event {} ({} {}/{}/{}) for trigger {} -> {}: unreachable for {}",
            pending.id(),
            pending.message().eventType(),
            pending.message().streamName(),
            pending.message().groupId(),
            pending.message().id(),
            target.triggerId(),
            target.functionId(),
            age);
        continue;
      }
      return new DeliveryOutcome(
          pending.id(),
          targets.subList(i, targets.size()),
          properties.retryDelay(pending.attempts() + 1),
          "function " + target.functionId() + " unreachable");
    }
    return DeliveryOutcome.delivered(pending.id());
  }
}
