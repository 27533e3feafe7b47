package dev.iii4j.queue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The storage and delivery engine behind the queue: durable writes, consumers that deliver with
 * at-least-once semantics, delayed redelivery, and dead letters with random access. The {@link
 * QueueService} decides <em>what</em> happens to a message ({@link Verdict}); the backend makes it
 * happen durably.
 *
 * <p>Errors: every method reports storage failures as {@link QueueBackendException}; no
 * technology-specific exception crosses this interface.
 *
 * <p>Threading: all methods are thread-safe. Methods returning a future never block the caller; the
 * others block for at most the backend's request timeout.
 */
public interface QueueBackend {

  /**
   * Prepares the storage of a destination (for Kafka: creates its topics with the configured
   * partitions and replication factor). Idempotent; called before the first write or consumer.
   *
   * @throws QueueBackendException when the storage cannot be created
   */
  void declare(Destination destination);

  /**
   * Stores a job durably. The future completes only once the storage acknowledged the write (for
   * Kafka: {@code acks=all} on an idempotent producer), so a completed future means the message
   * survives a crash of this process. Sending the same job again stores it again: callers that
   * retry a failed send may produce a duplicate, never a loss.
   *
   * @param destination where the job goes; for a topic, {@link Job#functionId()} names the
   *     subscriber whose copy this is
   * @return completes when the write is durable; fails with {@link QueueBackendException}
   */
  CompletableFuture<Void> send(Destination destination, Job job);

  /**
   * Starts consuming. Every replica that starts a consumer with the same destination (and function,
   * for topics) joins one group: each message goes to one member at a time, and when members come
   * or go the messages of the departing member are redelivered to the others. A message counts as
   * done only when its {@link Verdict} has been carried out durably: {@link Verdict.Ack} commits
   * it, {@link Verdict.Retry} stores it for later (or, for an ordered consumer, retries it in
   * place, blocking its group) and then commits it, {@link Verdict.DeadLettered} writes the dead
   * letter and then commits it. Messages of a topic subscription that was never consumed before
   * start from the moment the consumer is first started.
   *
   * @param consumer what to read, how many at once, and whether in order
   * @param handler called for every delivery attempt
   * @return a handle that stops this consumer; stopping waits for the deliveries in flight
   * @throws QueueBackendException when the consumer cannot be started
   */
  Consumption consume(Consumer consumer, DeliveryHandler handler);

  /**
   * The number of dead letters of a destination (for a topic: of all its subscribers).
   *
   * @throws QueueBackendException when the dead letters cannot be read
   */
  long deadLetterCount(Destination destination);

  /**
   * A page of the dead letters of a destination, newest failure first.
   *
   * @param offset how many of the newest to skip; not negative
   * @param limit the most to return; positive
   * @throws QueueBackendException when the dead letters cannot be read
   */
  List<DeadLetter> deadLetters(Destination destination, int offset, int limit);

  /**
   * Moves every dead letter of a destination back to be delivered again, oldest failure first, each
   * with its attempt count reset ({@link Job#redriven()}) and its id kept. A message is removed
   * from the dead letters only after its new copy is stored, so a crash may leave a message both
   * redriven and dead-lettered, never neither.
   *
   * @return how many were redriven
   * @throws QueueBackendException when the dead letters cannot be read or written
   */
  int redrive(Destination destination);

  /**
   * Redrives the dead letter with the given job id, as {@link #redrive(Destination)}.
   *
   * @return true when it was found and redriven; false when no such dead letter exists
   * @throws QueueBackendException when the dead letters cannot be read or written
   */
  boolean redrive(Destination destination, String jobId);

  /**
   * Deletes the dead letter with the given job id for good.
   *
   * @return true when it was found and deleted; false when no such dead letter exists
   * @throws QueueBackendException when the dead letters cannot be read or written
   */
  boolean discard(Destination destination, String jobId);

  /**
   * Messages stored but not yet done for a consumer group (waiting plus in flight; delayed retries
   * and dead letters are not counted). For a topic, the count covers the copies of every
   * subscriber.
   *
   * @throws QueueBackendException when the storage cannot be asked
   */
  long depth(Destination destination);

  /** A running consumer. */
  interface Consumption extends AutoCloseable {
    /**
     * Stops the consumer: no new deliveries start, the ones in flight are waited for (up to the
     * backend's stop timeout) and committed, and the group is left. Idempotent.
     */
    @Override
    void close();
  }
}
