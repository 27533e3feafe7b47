package dev.iii4j.queue.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * The records of one assigned partition that were fetched but are not done yet. Deliveries finish
 * out of order; the committable position only moves past a record once every record before it is
 * done, so a commit never skips an unfinished message. Confined to the consumer loop's thread.
 */
final class Offsets {
  private final TreeMap<Long, Boolean> open = new TreeMap<>();
  private long next = -1;
  private boolean dirty;
  private int busy;

  void fetched(long offset) {
    open.put(offset, Boolean.FALSE);
  }

  void done(long offset) {
    if (open.replace(offset, Boolean.TRUE) == null) {
      return;
    }
    Map.Entry<Long, Boolean> first;
    while ((first = open.firstEntry()) != null && first.getValue()) {
      open.pollFirstEntry();
      next = first.getKey() + 1;
      dirty = true;
    }
  }

  /** The position to commit, when it moved since the last {@link #committed()}; else -1. */
  long committable() {
    return dirty ? next : -1;
  }

  void committed() {
    dirty = false;
  }

  /** Deliveries in flight, or retry / dead-letter writes not yet acknowledged. */
  int busy() {
    return busy;
  }

  void busy(int delta) {
    busy += delta;
  }
}
