package dev.iii4j.stream;

import java.util.List;

/**
 * One stream as {@code stream::list_all} reports it.
 *
 * @param id the stream name
 * @param groups its groups that hold items, sorted
 */
public record StreamSummary(String id, List<String> groups) {
  /** Copies the groups. */
  public StreamSummary {
    groups = List.copyOf(groups);
  }
}
