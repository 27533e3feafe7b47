package dev.iii4j.queue.kafka;

import dev.iii4j.queue.Job;
import dev.iii4j.queue.Verdict;
import io.micronaut.core.annotation.Nullable;
import org.apache.kafka.common.TopicPartition;

/** One fetched record on its way through a consumer loop. Confined to the loop's thread. */
final class Pending {
  final TopicPartition partition;
  final long offset;
  final Offsets offsets;
  final String group;
  Job job;
  long dueAt;

  /** A dead-letter write that failed and is to be tried again instead of a delivery. */
  @Nullable Verdict.DeadLettered redo;

  Pending(TopicPartition partition, long offset, Offsets offsets, String group, Job job) {
    this.partition = partition;
    this.offset = offset;
    this.offsets = offsets;
    this.group = group;
    this.job = job;
  }
}
