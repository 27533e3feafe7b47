package dev.iii4j.service.outbox;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox events after commit: one loop per replica claims batches through {@link
 * OutboxStore#dispatch}, delivers the events of a batch concurrently (they are of distinct keys)
 * and the targets of one event one after another, and retries unreachable targets with backoff
 * until {@code retry-for} has passed since the commit. Delivered events are pruned after {@code
 * retention}.
 *
 * <p>Built by each service's factory (with {@code preDestroy = "stop"}); it starts when the context
 * has started, unless dispatch is disabled on the replica.
 *
 * <p>Threading: the loop runs on its own thread; {@link #wake()} may be called from any thread.
 *
 * @param <E> the service's event type
 */
public final class EventDispatcher<E> implements ApplicationEventListener<StartupEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final String name;
  private final OutboxStore<E> store;
  private final EventSink<E> sink;
  private final OutboxProperties properties;
  private final Function<E, String> describe;
  private final Semaphore signal = new Semaphore(0);
  private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running;
  private Thread loop;

  /**
   * A dispatcher named {@code name} (its thread is {@code <name>-event-dispatcher}); {@code
   * describe} names an event in logs.
   */
  public EventDispatcher(
      String name,
      OutboxStore<E> store,
      EventSink<E> sink,
      OutboxProperties properties,
      Function<E, String> describe) {
    this.name = name;
    this.store = store;
    this.sink = sink;
    this.properties = properties;
    this.describe = describe;
  }

  @Override
  public void onApplicationEvent(StartupEvent event) {
    if (properties.dispatchEnabled()) {
      start();
    } else {
      LOG.info("{} event dispatch is disabled on this replica (events.dispatch-enabled)", name);
    }
  }

  /** Starts the loop; idempotent. */
  public synchronized void start() {
    if (loop == null) {
      running = true;
      loop = Thread.ofPlatform().daemon().name(name + "-event-dispatcher").start(this::run);
    }
  }

  /** Asks the loop to look at the outbox now rather than at the next poll. */
  public void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** Stops the loop after the batch in flight; undelivered events stay in the outbox. */
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

  private List<DeliveryOutcome> deliver(List<PendingEvent<E>> events) {
    List<Future<DeliveryOutcome>> futures = new ArrayList<>(events.size());
    for (PendingEvent<E> event : events) {
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

  private DeliveryOutcome deliverOne(PendingEvent<E> pending) {
    List<EventTarget> targets = pending.pending();
    for (int i = 0; i < targets.size(); i++) {
      EventTarget target = targets.get(i);
      if (sink.deliver(pending.event(), pending.trace(), target) == EventSink.Result.DONE) {
        continue;
      }
      Duration age = Duration.between(pending.createdAt(), Instant.now());
      if (age.compareTo(properties.retryFor()) > 0) {
        LOG.warn(
            "giving up event {} ({}) for trigger {} -> {}: unreachable for {}",
            pending.id(),
            describe.apply(pending.event()),
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
