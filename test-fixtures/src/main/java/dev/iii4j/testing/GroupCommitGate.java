package dev.iii4j.testing;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

/**
 * Holds a service's group commit ({@code dev.iii4j.service.GroupCommit}) busy so that writes pile
 * up behind it, for tests of what is committed together: the test locks a row with {@link
 * #lockRow}, starts a write of that row (its committer then waits on the lock, inside the
 * database), queues the writes it wants in one batch ({@link #awaitQueued} after each, so their
 * order is known; {@link #queueBehind} does these steps), and {@link #close() closes} the gate: the
 * blocked write commits, and the queued ones are committed together.
 *
 * <p>Threading: one test thread uses a gate; the writes run on threads of their own.
 */
public final class GroupCommitGate implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final DataSource database;
  private final Connection connection;

  private GroupCommitGate(DataSource database, Connection connection) {
    this.database = database;
    this.connection = connection;
  }

  /**
   * Runs {@code lockingSelect} (a {@code SELECT ... FOR UPDATE} of existing rows) with string
   * parameters in a transaction that stays open until {@link #close()}.
   */
  public static GroupCommitGate lockRow(DataSource database, String lockingSelect, String... params)
      throws SQLException {
    Connection connection = database.getConnection();
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement ps = connection.prepareStatement(lockingSelect)) {
        for (int i = 0; i < params.length; i++) {
          ps.setString(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("the gate's row does not exist: " + lockingSelect);
          }
        }
      }
      return new GroupCommitGate(database, connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Waits until {@code sessions} sessions of this database wait for a lock (on the gate). */
  public void awaitBlocked(int sessions) {
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              // Another connection: a transaction sees one snapshot of pg_stat_activity.
              try (Connection c = database.getConnection();
                  PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                              + " AND datname = current_database()");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == sessions;
              }
            });
  }

  /** Starts {@code write} on a platform thread of its own; the future has its result or failure. */
  public static <T> CompletableFuture<T> start(Supplier<T> write) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                result.complete(write.get());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  /**
   * Starts {@code write} ({@link #start}) and waits until it is the {@code position}-th write
   * queued behind the gate, so the order of the queued writes is known.
   */
  public static <T> CompletableFuture<T> queue(Supplier<T> write, int position) {
    CompletableFuture<T> started = start(write);
    awaitQueued(position);
    return started;
  }

  /**
   * The usual batch behind this gate: starts {@code gated} (a write of the locked row, which then
   * waits on the lock inside its committer's transaction), waits until it is blocked, and queues
   * {@code queued} behind it one by one in order ({@link #queue}). Close the gate afterwards to
   * commit them.
   *
   * @return the futures of {@code gated} and then of {@code queued}, in order
   */
  @SafeVarargs
  public final <T> List<CompletableFuture<T>> queueBehind(
      Supplier<T> gated, Supplier<T>... queued) {
    return queueBehind(gated, List.of(queued));
  }

  /** {@link #queueBehind(Supplier, Supplier[])} with the queued writes in a list. */
  public <T> List<CompletableFuture<T>> queueBehind(Supplier<T> gated, List<Supplier<T>> queued) {
    List<CompletableFuture<T>> writes = new ArrayList<>();
    writes.add(start(gated));
    awaitBlocked(1);
    for (int i = 0; i < queued.size(); i++) {
      writes.add(queue(queued.get(i), i + 1));
    }
    return writes;
  }

  /**
   * The value each of {@code writes} replaced, in order: {@code previous} of its result as JSON
   * text, or {@code absent}; each write is awaited for up to 20 seconds.
   *
   * @throws ExecutionException when a write failed
   */
  public static <T> List<String> oldValues(
      List<CompletableFuture<T>> writes, Function<T, Optional<JsonNode>> previous)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<String> olds = new ArrayList<>();
    for (CompletableFuture<T> write : writes) {
      T result = write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      olds.add(previous.apply(result).map(JsonText::write).orElse("absent"));
    }
    return olds;
  }

  /** Waits until {@code writes} callers in this JVM wait in a group commit for their turn. */
  public static void awaitQueued(int writes) {
    Awaitility.await().atMost(WAIT).until(() -> queued() == writes);
  }

  private static int queued() {
    int waiting = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getState() == Thread.State.WAITING && waitsForItsTurn(e.getValue())) {
        waiting++;
      }
    }
    return waiting;
  }

  /** Whether a stack is waiting on a condition (not on the lock) inside {@code submit}. */
  static boolean waitsForItsTurn(StackTraceElement[] stack) {
    boolean awaiting = false;
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().endsWith("$ConditionObject")
          && frame.getMethodName().startsWith("await")) {
        awaiting = true;
      }
      if (awaiting
          && frame.getClassName().equals("dev.iii4j.service.GroupCommit")
          && frame.getMethodName().equals("submit")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Which transaction last wrote each row: runs {@code select} (two columns: a row's name and its
   * {@code CAST(xmin AS text)}) with string parameters. Rows written by one commit share an xmin.
   */
  public static Map<String, String> writers(DataSource database, String select, String... params)
      throws SQLException {
    Map<String, String> xmin = new HashMap<>();
    try (Connection c = database.getConnection();
        PreparedStatement ps = c.prepareStatement(select)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          xmin.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return xmin;
  }

  /**
   * Sends {@code each} sets to each of {@code keys} keys through {@code client}, all at once (round
   * by round), and checks that each key's sets form one chain: starting from no value, each set's
   * {@code old_value} is the {@code new_value} of exactly one other set of its key.
   *
   * @param function the set function ({@code state::set}, {@code stream::set})
   * @param request the JSON request of the set of key {@code k} in round {@code i}
   * @return per key, the {@code new_value} at the end of its chain (JSON text): what is stored now
   */
  public static List<String> concurrentSets(
      EngineWorker client,
      String function,
      int keys,
      int each,
      BiFunction<Integer, Integer, String> request)
      throws Exception {
    List<List<CompletableFuture<JsonNode>>> calls = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      calls.add(new ArrayList<>());
    }
    for (int i = 0; i < each; i++) {
      for (int k = 0; k < keys; k++) {
        calls
            .get(k)
            .add(
                client
                    .call(function, SerdeTrees.sdk(JsonText.parse(request.apply(k, i))))
                    .thenApply(SerdeTrees::serde));
      }
    }
    List<String> ends = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      Map<String, String> next = new HashMap<>();
      for (CompletableFuture<JsonNode> call : calls.get(k)) {
        JsonNode result = call.get(60, TimeUnit.SECONDS);
        String previous = JsonText.write(result.get("old_value"));
        if (next.put(previous, JsonText.write(result.get("new_value"))) != null) {
          throw new AssertionError("two sets of key " + k + " replaced " + previous);
        }
      }
      String at = "null";
      for (int step = 0; step < each; step++) {
        at = next.get(at);
        if (at == null) {
          throw new AssertionError("the chain of key " + k + " broke after " + step + " sets");
        }
      }
      ends.add(at);
    }
    return ends;
  }

  /** Commits the gate's transaction: the blocked write goes on. */
  @Override
  public void close() throws SQLException {
    try {
      connection.commit();
    } finally {
      connection.close();
    }
  }
}
