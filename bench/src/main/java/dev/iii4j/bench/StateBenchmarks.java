package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * B6: {@code state::set/get} and {@code stream::set/get} per second at 1 and 8 in flight, from a
 * Java SDK caller through the gateway to state-service and stream-service (PostgreSQL). Each row
 * has two ratios, measured in alternating slices of the same run:
 *
 * <ul>
 *   <li>against raw JDBC on the same database, one connection per thread, an autocommitted {@code
 *       INSERT ... ON CONFLICT DO UPDATE} or a {@code SELECT} on a copy of the service's table
 *       (same columns, keys and indexes);
 *   <li>against a no-op call through the same gateway at the same concurrency (a harness worker's
 *       function that answers its input), so the engine's own cost per call shows apart from the
 *       service's.
 * </ul>
 *
 * Each of the N loops (ours and floor) works on its own 100 keys, so no two writers wait on one
 * row.
 */
final class StateBenchmarks {
  private static final List<Integer> CONCURRENCY = List.of(1, 8);
  private static final int KEYS = 100;
  static final String NOOP = "bench::noop";

  private final Stack stack;
  private final Options options;
  private final Report report;

  StateBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  /** What differs between state and stream: function names, payloads and the floor's table. */
  private record Store(
      String name,
      String table,
      String copyOf,
      String keyColumns,
      String keyPlaceholders,
      String keyWhere,
      KeyPayload payload,
      KeyBinder binder) {
    String setFunction() {
      return name + "::set";
    }

    String getFunction() {
      return name + "::get";
    }

    String upsert() {
      return "INSERT INTO "
          + table
          + " ("
          + keyColumns
          + ", value) VALUES ("
          + keyPlaceholders
          + ", ?::jsonb) ON CONFLICT ("
          + keyColumns
          + ") DO UPDATE SET value = excluded.value, updated_at = now()";
    }

    String select() {
      return "SELECT value FROM " + table + " WHERE " + keyWhere;
    }
  }

  /** The request of a set (with a value) or a get (value null) of one key. */
  private interface KeyPayload {
    JsonNode of(String scope, String key, JsonNode value);
  }

  /** Binds the key columns from parameter 1; returns the next parameter's index. */
  private interface KeyBinder {
    int bind(PreparedStatement ps, String scope, String key) throws SQLException;
  }

  private static final Store STATE =
      new Store(
          "state",
          "bench_floor_state",
          "state_entry",
          "scope, key",
          "?, ?",
          "scope = ? AND key = ?",
          (scope, key, value) ->
              value == null
                  ? Json.object("scope", scope, "key", key)
                  : Json.object("scope", scope, "key", key, "value", value),
          (ps, scope, key) -> {
            ps.setString(1, scope);
            ps.setString(2, key);
            return 3;
          });

  private static final Store STREAM =
      new Store(
          "stream",
          "bench_floor_stream",
          "iii_stream.item",
          "stream_name, group_id, item_id",
          "?, ?, ?",
          "stream_name = ? AND group_id = ? AND item_id = ?",
          (scope, key, value) ->
              value == null
                  ? Json.object("stream_name", scope, "group_id", "g", "item_id", key)
                  : Json.object(
                      "stream_name", scope, "group_id", "g", "item_id", key, "data", value),
          (ps, scope, key) -> {
            ps.setString(1, scope);
            ps.setString(2, "g");
            ps.setString(3, key);
            return 4;
          });

  void run() throws Exception {
    Stack.Infra infra = stack.infra();
    EngineWorker noop = Workers.create(stack.gateway().wsUrl(), "bench-noop-worker");
    noop.registerFunction(NOOP, FunctionHandler.sync(in -> in));
    noop.start().get();
    try {
      for (Store store : List.of(STATE, STREAM)) {
        Stack.Service service = store == STATE ? stack.startState() : stack.startStream();
        String scope = "bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        EngineWorker caller =
            Workers.started(stack.gateway().wsUrl(), "bench-" + store.name() + "-caller");
        try {
          Workers.awaitCallable(
              caller, store.setFunction(), store.payload().of(scope, "probe", value(0)));
          Workers.awaitCallable(caller, NOOP, Json.object("probe", "yes"));
          prepareFloorTable(infra, store, scope);
          for (int c : CONCURRENCY) {
            fill(caller, store, scope, c);
            Bench.guard(
                report,
                "B6",
                store.setFunction() + ", " + c + " in flight",
                () -> set(caller, infra, store, scope, c));
            Bench.guard(
                report,
                "B6",
                store.getFunction() + ", " + c + " in flight",
                () -> get(caller, infra, store, scope, c));
          }
        } finally {
          stack.saveMetrics(stack.gateway(), "after-B6-" + store.name());
          stack.saveMetrics(service, "after-B6");
          caller.close();
          stack.stop(service);
        }
      }
    } finally {
      noop.close();
    }
  }

  private static JsonNode value(long n) {
    return Json.object("n", n, "status", "processed", "item", "widget");
  }

  /** The key of a floor thread's n-th operation: thread l owns keys l*100 .. l*100+99. */
  private static String floorKey(int loop, long n) {
    return "k" + (loop * KEYS + n % KEYS);
  }

  /** The key of the SDK's n-th operation with c in flight: the same c*100 keys, in turn. */
  private static String sdkKey(long n, int c) {
    return "k" + (n % ((long) KEYS * c));
  }

  private void fill(EngineWorker caller, Store store, String scope, int loops) throws Exception {
    // In slices of 16, so the fill does not queue hundreds of calls for the service's pool.
    for (int from = 0; from < KEYS * loops; from += 16) {
      List<CompletableFuture<?>> slice = new ArrayList<>();
      for (int k = from; k < Math.min(from + 16, KEYS * loops); k++) {
        slice.add(
            caller.call(
                store.setFunction(), store.payload().of(scope, sdkKey(k, loops), value(k))));
      }
      CompletableFuture.allOf(slice.toArray(CompletableFuture[]::new)).get();
    }
  }

  private void set(EngineWorker caller, Stack.Infra infra, Store store, String scope, int c)
      throws Exception {
    JdbcOp write =
        (ps, loop, n) -> {
          int next = store.binder().bind(ps, scope, floorKey(loop, n));
          ps.setString(next, Json.write(value(n)));
          ps.executeUpdate();
        };
    measure(
        caller,
        c,
        store.setFunction(),
        i -> store.payload().of(scope, sdkKey(i, c), value(i)),
        false,
        (w, d) -> jdbcLoops(infra, c, store.upsert(), false, write, w, d),
        "floor: JDBC upsert of the same row shape, autocommit, "
            + c
            + (c == 1 ? " connection" : " connections"),
        c == 1 ? 0.4 : 0.5);
  }

  private void get(EngineWorker caller, Stack.Infra infra, Store store, String scope, int c)
      throws Exception {
    JdbcOp select =
        (ps, loop, n) -> {
          store.binder().bind(ps, scope, floorKey(loop, n));
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getString(1) == null) {
              throw new IllegalStateException("floor row " + floorKey(loop, n) + " missing");
            }
          }
        };
    // The same select from virtual threads: what running JDBC there would cost on this machine.
    double virtual =
        jdbcLoops(
            infra,
            c,
            store.select(),
            true,
            select,
            options.throughputWarmup(),
            options.throughputMeasure().dividedBy(options.rounds()));
    measure(
        caller,
        c,
        store.getFunction(),
        i -> store.payload().of(scope, sdkKey(i, c), null),
        true,
        (w, d) -> jdbcLoops(infra, c, store.select(), false, select, w, d),
        String.format(
            Locale.ROOT,
            "floor: JDBC select by primary key, %d connection(s), platform threads; the"
                + " same select from virtual threads: %s",
            c,
            Unit.PER_SECOND.format(virtual)),
        0.7);
  }

  /**
   * Measures {@code functionId} at {@code c} in flight (the n-th call with {@code payload(n)}, as
   * {@link #calls}) in slices alternating with its JDBC floor and the no-op call, and reports B6's
   * two rows: ours against the floor (goal 0.6, noted {@code floorNote}) and against the no-op call
   * (goal {@code noopGoal}).
   */
  private void measure(
      EngineWorker caller,
      int c,
      String functionId,
      LongFunction<JsonNode> payload,
      boolean needsResult,
      Load.Measure floor,
      String floorNote,
      double noopGoal)
      throws Exception {
    double[] rates =
        Load.alternateAll(
            options.rounds(),
            options.throughputWarmup(),
            options.sliceWarmup(),
            options.throughputMeasure(),
            List.of(
                floor,
                calls(caller, c, NOOP, payload, false),
                calls(caller, c, functionId, payload, needsResult)));
    String name = functionId + "/s, " + c + " in flight";
    report.add(
        Row.vsFloor("B6", name, Unit.PER_SECOND, rates[2], rates[0], Goal.ratioAtLeast(0.6))
            .withNote(floorNote));
    report.add(noopRow(name, c, rates, noopGoal));
  }

  /**
   * {@code c} calls of {@code functionId} in flight, the n-th with {@code payload(n)}; with {@code
   * needsResult}, a call that answers nothing fails the run.
   */
  private static Load.Measure calls(
      EngineWorker caller,
      int c,
      String functionId,
      LongFunction<JsonNode> payload,
      boolean needsResult) {
    AtomicLong n = new AtomicLong();
    return (w, d) ->
        Load.closedLoop(
            c,
            w,
            d,
            () ->
                caller
                    .call(functionId, payload.apply(n.getAndIncrement()))
                    .thenApply(
                        r -> {
                          if (needsResult && r == null) {
                            throw new IllegalStateException(functionId + " answered nothing");
                          }
                          return r;
                        }));
  }

  /** The row of ours ({@code rates[2]}) against the no-op call ({@code rates[1]}). */
  private static Row noopRow(String name, int c, double[] rates, double goal) {
    return Row.vsFloor(
            "B6",
            name + ", vs no-op call",
            Unit.PER_SECOND,
            rates[2],
            rates[1],
            Goal.ratioAtLeast(goal))
        .withNote(
            "floor: a no-op call ("
                + NOOP
                + ", a harness worker's function that answers its input) through the same"
                + " gateway, "
                + c
                + " in flight, in slices alternating with ours and the JDBC floor's");
  }

  private interface JdbcOp {
    void run(PreparedStatement ps, int loop, long n) throws SQLException;
  }

  /**
   * Runs {@code c} threads (platform or virtual), each with its own connection, for the measured
   * time; ops/s.
   */
  private static double jdbcLoops(
      Stack.Infra infra,
      int c,
      String sql,
      boolean virtual,
      JdbcOp op,
      java.time.Duration warmup,
      java.time.Duration measure)
      throws Exception {
    AtomicLong counted = new AtomicLong();
    long warmupNanos = warmup.toNanos();
    long measureNanos = measure.toNanos();
    long start = System.nanoTime();
    long from = start + warmupNanos;
    long until = from + measureNanos;
    try (ExecutorService threads =
        virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(c)) {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int l = 0; l < c; l++) {
        int loop = l;
        futures.add(
            threads.submit(
                () -> {
                  try (Connection connection = connect(infra);
                      PreparedStatement ps = connection.prepareStatement(sql)) {
                    long n = 0;
                    while (true) {
                      long now = System.nanoTime();
                      if (now >= until) {
                        return null;
                      }
                      op.run(ps, loop, n++);
                      long done = System.nanoTime();
                      if (done >= from && done < until) {
                        counted.incrementAndGet();
                      }
                    }
                  }
                }));
      }
      for (var f : futures) {
        f.get();
      }
    }
    return counted.get() / (measureNanos / 1e9);
  }

  private static Connection connect(Stack.Infra infra) throws SQLException {
    return DriverManager.getConnection(infra.stateDb(), infra.pgUser(), infra.pgPassword());
  }

  private void prepareFloorTable(Stack.Infra infra, Store store, String scope) throws SQLException {
    try (Connection connection = connect(infra);
        Statement st = connection.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + store.table());
      st.execute("CREATE TABLE " + store.table() + " (LIKE " + store.copyOf() + " INCLUDING ALL)");
    }
    // Rows for the selects: the same keys the SDK loops read.
    try (Connection connection = connect(infra);
        PreparedStatement ps =
            connection.prepareStatement(
                "INSERT INTO "
                    + store.table()
                    + " ("
                    + store.keyColumns()
                    + ", value) VALUES ("
                    + store.keyPlaceholders()
                    + ", ?::jsonb) ON CONFLICT DO NOTHING")) {
      for (int l = 0; l < 8; l++) {
        for (int k = 0; k < KEYS; k++) {
          int next = store.binder().bind(ps, scope, floorKey(l, k));
          ps.setString(next, Json.write(value(k)));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }
}
