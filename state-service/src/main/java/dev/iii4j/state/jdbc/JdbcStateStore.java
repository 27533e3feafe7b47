package dev.iii4j.state.jdbc;

import dev.iii4j.ops.JsonText;
import dev.iii4j.service.outbox.DeliveryOutcome;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.PendingEvent;
import dev.iii4j.state.StateChange;
import dev.iii4j.state.StateEvent;
import dev.iii4j.state.StateEventType;
import dev.iii4j.state.StateService;
import dev.iii4j.state.StateStore;
import dev.iii4j.state.StateStoreException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link StateStore} on PostgreSQL: one {@code state_entry} row per (scope, key) with a {@code
 * jsonb} value and an identity {@code seq} for insertion order, and the {@code state_event} outbox
 * written in the same transaction as the change.
 *
 * <p>Writers of one key are serialised by a transaction-scoped advisory lock on the (scope, key)
 * taken before the row is read with {@code SELECT ... FOR UPDATE}; the lock also covers keys that
 * have no row yet, so two creators cannot both see "absent". Because the next writer of a key takes
 * its outbox id only after the previous writer committed, outbox ids of one key follow commit
 * order.
 */
@Singleton
@Requires(env = StateService.ENVIRONMENT)
public class JdbcStateStore implements StateStore {
  private final StateEntryRepository entries;
  private final StateEventRepository events;
  private final TransactionOperations<Connection> transactions;

  JdbcStateStore(
      StateEntryRepository entries,
      StateEventRepository events,
      TransactionOperations<Connection> transactions) {
    this.entries = entries;
    this.events = events;
    this.transactions = transactions;
  }

  @Override
  public Optional<JsonNode> get(String scope, String key) {
    return guarded("read", () -> entries.find(scope, key).map(row -> JsonText.parse(row.value())));
  }

  @Override
  public StateChange write(
      String scope,
      String key,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets) {
    return guarded(
        "write",
        () ->
            transactions.executeWrite(
                status -> {
                  entries.lockKey(scope, key);
                  Optional<JsonNode> previous =
                      entries.findForUpdate(scope, key).map(row -> JsonText.parse(row.value()));
                  JsonNode next = compute.apply(previous);
                  String text = JsonText.write(next);
                  if (previous.isPresent()) {
                    entries.replace(scope, key, text);
                  } else {
                    entries.insert(scope, key, text);
                  }
                  StateEventType type =
                      previous.isPresent() ? StateEventType.UPDATED : StateEventType.CREATED;
                  append(scope, key, type, previous.orElse(null), text, targets);
                  return new StateChange(previous, JsonText.parse(text));
                }));
  }

  @Override
  public StateChange delete(String scope, String key, List<EventTarget> targets) {
    return guarded(
        "delete",
        () ->
            transactions.executeWrite(
                status -> {
                  entries.lockKey(scope, key);
                  Optional<JsonNode> previous =
                      entries.findForUpdate(scope, key).map(row -> JsonText.parse(row.value()));
                  if (previous.isPresent()) {
                    entries.remove(scope, key);
                  }
                  append(scope, key, StateEventType.DELETED, previous.orElse(null), null, targets);
                  return new StateChange(previous, null);
                }));
  }

  @Override
  public List<JsonNode> list(String scope) {
    return guarded("list", () -> entries.values(scope).stream().map(JsonText::parse).toList());
  }

  @Override
  public List<String> scopes() {
    return guarded("list scopes", entries::scopes);
  }

  @Override
  public int dispatch(
      int limit, Function<List<PendingEvent<StateEvent>>, List<DeliveryOutcome>> delivery) {
    return guarded(
        "dispatch",
        () ->
            transactions.executeWrite(
                status -> {
                  List<StateEventRow> rows = events.claim(limit);
                  if (rows.isEmpty()) {
                    return 0;
                  }
                  List<PendingEvent<StateEvent>> claimed = new ArrayList<>(rows.size());
                  for (StateEventRow row : rows) {
                    claimed.add(toPending(row));
                  }
                  for (DeliveryOutcome outcome : delivery.apply(claimed)) {
                    if (outcome.remaining().isEmpty()) {
                      events.markDelivered(outcome.eventId());
                    } else {
                      Duration delay =
                          outcome.retryAfter() == null ? Duration.ZERO : outcome.retryAfter();
                      events.postpone(
                          outcome.eventId(),
                          targetsJson(outcome.remaining()),
                          delay.toMillis() + " milliseconds",
                          outcome.error());
                    }
                  }
                  return rows.size();
                }));
  }

  @Override
  public int prune(Duration retention) {
    return guarded(
        "prune",
        () ->
            transactions.executeWrite(
                status -> events.prune(retention.toMillis() + " milliseconds")));
  }

  @Override
  public long undelivered() {
    return guarded("count", events::countUndelivered);
  }

  private void append(
      String scope,
      String key,
      StateEventType type,
      @Nullable JsonNode previous,
      @Nullable String next,
      List<EventTarget> targets) {
    String json = targetsJson(targets);
    events.append(
        scope,
        key,
        type.wire(),
        previous == null ? null : JsonText.write(previous),
        next,
        json,
        json,
        targets.isEmpty());
  }

  private static PendingEvent<StateEvent> toPending(StateEventRow row) {
    StateEvent event =
        new StateEvent(
            StateEventType.fromWire(row.eventType()),
            row.scope(),
            row.key(),
            row.oldValue() == null ? null : JsonText.parse(row.oldValue()),
            row.newValue() == null ? null : JsonText.parse(row.newValue()));
    return new PendingEvent<>(
        row.id(),
        event,
        EventTarget.fromJson(JsonText.parse(row.pending())),
        row.attempts(),
        row.createdAt());
  }

  private static String targetsJson(List<EventTarget> targets) {
    return JsonText.write(EventTarget.toJson(targets));
  }

  /** Translates everything the driver, pool or Micronaut Data throws into the port's exception. */
  private static <T> T guarded(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (StateStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StateStoreException(what + " failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
