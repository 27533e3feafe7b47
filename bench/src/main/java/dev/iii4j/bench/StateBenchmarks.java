package dev.iii4j.bench;

import dev.iii4j.sdk.EngineWorker;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B6: {@code state::set} and {@code state::get} per second at 1 and 8 in flight, from a Java SDK
 * caller through the gateway to state-service (PostgreSQL). Floor: raw JDBC on the same database,
 * one connection per thread, an autocommitted {@code INSERT ... ON CONFLICT DO UPDATE} and a {@code
 * SELECT} on a copy of {@code state_entry} (same columns, keys and indexes). Each of the N loops
 * (ours and floor) works on its own 100 keys, so no two writers wait on one row.
 */
final class StateBenchmarks {
  private static final List<Integer> CONCURRENCY = List.of(1, 8);
  private static final int KEYS = 100;

  private final Stack stack;
  private final Options options;
  private final Report report;

  StateBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  void run() throws Exception {
    Stack.Infra infra = stack.infra();
    Stack.Service state = stack.startState();
    String scope = "bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    EngineWorker caller = Workers.started(stack.gateway().wsUrl(), "bench-state-caller");
    try {
      Workers.awaitCallable(
          caller, "state::set", Json.object("scope", scope, "key", "probe", "value", value(0)));
      prepareFloorTable(infra, scope);
      for (int c : CONCURRENCY) {
        fill(caller, scope, c);
        Bench.guard(
            report, "B6", "state::set, " + c + " in flight", () -> set(caller, infra, scope, c));
        Bench.guard(
            report, "B6", "state::get, " + c + " in flight", () -> get(caller, infra, scope, c));
      }
    } finally {
      stack.saveMetrics(stack.gateway(), "after-B6");
      stack.saveMetrics(state, "after-B6");
      caller.close();
      stack.stop(state);
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

  private void fill(EngineWorker caller, String scope, int loops) throws Exception {
    // In slices of 16, so the fill does not queue hundreds of calls for the service's pool.
    for (int from = 0; from < KEYS * loops; from += 16) {
      List<CompletableFuture<?>> slice = new ArrayList<>();
      for (int k = from; k < Math.min(from + 16, KEYS * loops); k++) {
        slice.add(
            caller.call(
                "state::set",
                Json.object("scope", scope, "key", sdkKey(k, loops), "value", value(k))));
      }
      CompletableFuture.allOf(slice.toArray(CompletableFuture[]::new)).get();
    }
  }

  private void set(EngineWorker caller, Stack.Infra infra, String scope, int c) throws Exception {
    String upsert =
        "INSERT INTO bench_floor_entry (scope, key, value) VALUES (?, ?, ?::jsonb)"
            + " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
            + " updated_at = now()";
    JdbcOp write =
        (ps, loop, n) -> {
          ps.setString(1, scope);
          ps.setString(2, floorKey(loop, n));
          ps.setString(3, Json.write(value(n)));
          ps.executeUpdate();
        };
    AtomicLong n = new AtomicLong();
    double[] rates =
        Load.alternate(
            options.rounds(),
            options.throughputWarmup(),
            options.sliceWarmup(),
            options.throughputMeasure(),
            (w, m) -> jdbcLoops(infra, c, upsert, false, write, w, m),
            (w, m) ->
                Load.closedLoop(
                    c,
                    w,
                    m,
                    () -> {
                      long i = n.getAndIncrement();
                      return caller.call(
                          "state::set",
                          Json.object("scope", scope, "key", sdkKey(i, c), "value", value(i)));
                    }));
    double floor = rates[0];
    double ours = rates[1];
    report.add(
        Row.vsFloor(
                "B6",
                "state::set/s, " + c + " in flight",
                Unit.PER_SECOND,
                ours,
                floor,
                Goal.ratioAtLeast(0.6))
            .withNote(
                "floor: JDBC upsert of the same row shape, autocommit, "
                    + c
                    + (c == 1 ? " connection" : " connections")));
  }

  private void get(EngineWorker caller, Stack.Infra infra, String scope, int c) throws Exception {
    JdbcOp select =
        (ps, loop, n) -> {
          ps.setString(1, scope);
          ps.setString(2, floorKey(loop, n));
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getString(1) == null) {
              throw new IllegalStateException("floor row " + floorKey(loop, n) + " missing");
            }
          }
        };
    String sql = "SELECT value FROM bench_floor_entry WHERE scope = ? AND key = ?";
    // The same select from virtual threads, as state-service runs it (SDK handlers run on virtual
    // threads): what the blocking-path lever costs on this machine.
    double virtual =
        jdbcLoops(
            infra,
            c,
            sql,
            true,
            select,
            options.throughputWarmup(),
            options.throughputMeasure().dividedBy(options.rounds()));
    AtomicLong n = new AtomicLong();
    double[] rates =
        Load.alternate(
            options.rounds(),
            options.throughputWarmup(),
            options.sliceWarmup(),
            options.throughputMeasure(),
            (w, m) -> jdbcLoops(infra, c, sql, false, select, w, m),
            (w, m) ->
                Load.closedLoop(
                    c,
                    w,
                    m,
                    () ->
                        caller
                            .call(
                                "state::get",
                                Json.object("scope", scope, "key", sdkKey(n.getAndIncrement(), c)))
                            .thenApply(
                                r -> {
                                  if (r == null) {
                                    throw new IllegalStateException("state::get answered nothing");
                                  }
                                  return r;
                                })));
    double floor = rates[0];
    double ours = rates[1];
    report.add(
        Row.vsFloor(
                "B6",
                "state::get/s, " + c + " in flight",
                Unit.PER_SECOND,
                ours,
                floor,
                Goal.ratioAtLeast(0.6))
            .withNote(
                String.format(
                    java.util.Locale.ROOT,
                    "floor: JDBC select by primary key, %d connection(s), platform threads; the"
                        + " same select from virtual threads: %s",
                    c,
                    Unit.PER_SECOND.format(virtual))));
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

  private void prepareFloorTable(Stack.Infra infra, String scope) throws SQLException {
    try (Connection connection = connect(infra);
        Statement st = connection.createStatement()) {
      st.execute("DROP TABLE IF EXISTS bench_floor_entry");
      st.execute("CREATE TABLE bench_floor_entry (LIKE state_entry INCLUDING ALL)");
    }
    // Rows for the selects: the same keys the SDK loops read.
    try (Connection connection = connect(infra);
        PreparedStatement ps =
            connection.prepareStatement(
                "INSERT INTO bench_floor_entry (scope, key, value) VALUES (?, ?, ?::jsonb)"
                    + " ON CONFLICT DO NOTHING")) {
      for (int l = 0; l < 8; l++) {
        for (int k = 0; k < KEYS; k++) {
          ps.setString(1, scope);
          ps.setString(2, floorKey(l, k));
          ps.setString(3, Json.write(value(k)));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }
}
