package dev.iii4j.launcher;

import dev.iii4j.process.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the stack's children running: a child that exits on its own is reported and started again
 * after a backoff (1 s, doubling up to 30 s, back to 1 s once a child stayed up for a minute),
 * while the others keep running. Only {@link #stopAll} (Ctrl-C or SIGTERM to the launcher) stops
 * everything.
 *
 * <p>{@link #check} is called from one watching thread; {@link #stopAll} may run on another (the
 * shutdown hook), after which nothing is restarted.
 */
final class Supervisor {
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration STABLE_AFTER = Duration.ofMinutes(1);

  /** Starts a child again. */
  @FunctionalInterface
  interface Starter {
    ChildProcess start() throws IOException, InterruptedException;
  }

  /** Called after a restart, on its own thread (for example to wait for readiness and say so). */
  @FunctionalInterface
  interface Restarted {
    void restarted(ChildProcess child) throws InterruptedException;
  }

  private static final class Entry {
    final String name;
    final Starter starter;
    final Restarted restarted;
    volatile ChildProcess child;
    long startedAtNanos = System.nanoTime();
    long restartAtNanos = -1;
    Duration backoff = INITIAL_BACKOFF;
    int restarts;

    Entry(String name, ChildProcess child, Starter starter, Restarted restarted) {
      this.name = name;
      this.child = child;
      this.starter = starter;
      this.restarted = restarted;
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final PrintStream out;
  private volatile boolean stopping;

  Supervisor(PrintStream out) {
    this.out = out;
  }

  /** Supervises a started child. */
  void add(String name, ChildProcess child, Starter starter, Restarted restarted) {
    entries.add(new Entry(name, child, starter, restarted));
  }

  /** The current process of every supervised child, in the order they were added. */
  List<ChildProcess> children() {
    List<ChildProcess> all = new ArrayList<>();
    for (Entry e : entries) {
      all.add(e.child);
    }
    return all;
  }

  /** How many times the named child was restarted. */
  int restarts(String name) {
    return entries.stream().filter(e -> e.name.equals(name)).mapToInt(e -> e.restarts).sum();
  }

  /** One pass: reports children that exited and restarts those whose backoff has passed. */
  void check() {
    for (Entry e : entries) {
      if (stopping) {
        return;
      }
      if (e.child.alive()) {
        continue;
      }
      long now = System.nanoTime();
      if (e.restartAtNanos < 0) {
        if (now - e.startedAtNanos >= STABLE_AFTER.toNanos()) {
          e.backoff = INITIAL_BACKOFF;
        }
        e.restartAtNanos = now + e.backoff.toNanos();
        out.println(
            "stack: "
                + e.name
                + " (pid "
                + e.child.pid()
                + ") exited with "
                + e.child.process().exitValue()
                + "; restarting in "
                + e.backoff.toMillis()
                + " ms; the rest keeps running; see "
                + e.child.log());
        e.backoff =
            e.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : e.backoff.multipliedBy(2);
        continue;
      }
      if (now < e.restartAtNanos) {
        continue;
      }
      e.restartAtNanos = -1;
      try {
        e.child = e.starter.start();
        e.startedAtNanos = System.nanoTime();
        e.restarts++;
        out.println("stack: restarted " + e.name + " (pid " + e.child.pid() + ")");
        ChildProcess child = e.child;
        Thread.ofVirtual()
            .name("restarted-" + e.name)
            .start(
                () -> {
                  try {
                    e.restarted.restarted(child);
                  } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException failed) {
                    out.println("stack: " + e.name + ": " + failed.getMessage());
                  }
                });
      } catch (IOException | RuntimeException failed) {
        out.println("stack: restarting " + e.name + " failed: " + failed.getMessage());
        e.restartAtNanos = System.nanoTime() + e.backoff.toNanos();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops restarting and stops every child, last added first. */
  void stopAll(Duration grace) {
    stopping = true;
    List<Entry> reverse = new ArrayList<>(entries);
    Collections.reverse(reverse);
    for (Entry e : reverse) {
      e.child.stop(grace);
      out.println("stack: stopped " + e.name);
    }
    entries.clear();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }
}
