package dev.iii4j.queue;

import java.util.concurrent.CompletionStage;

/**
 * Receives the messages of a {@link Consumer} from the {@link QueueBackend} and decides their fate.
 *
 * <p>Threading: called from the backend's consumer thread; it must not block. The returned stage
 * may complete on any thread. The backend never delivers a message of an ordered consumer's group
 * while an earlier message of that group is still in flight.
 */
@FunctionalInterface
public interface DeliveryHandler {

  /**
   * Delivers one attempt of a job.
   *
   * @param job the job, with {@link Job#attemptsMade()} failed attempts behind it
   * @return the verdict; a failed stage is treated as a transport failure and retried
   */
  CompletionStage<Verdict> deliver(Job job);
}
