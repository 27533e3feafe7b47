package dev.iii4j.queue;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Objects;

/**
 * A message that exhausted its attempts (or was rejected as a protocol violation), as kept in the
 * dead letters of its queue or topic.
 *
 * @param job the message, with {@link Job#attemptsMade()} as it was when it failed for good
 * @param error the last error, {@code "<code>: <message>"}
 * @param failedAt when it was dead-lettered, unix milliseconds
 * @param sizeBytes the size of the stored record; 0 when not known
 */
@Serdeable
public record DeadLetter(
    @JsonProperty("job") Job job,
    @JsonProperty("error") String error,
    @JsonProperty("failed_at") long failedAt,
    @JsonProperty("size_bytes") long sizeBytes) {

  /**
   * Checks the required components.
   *
   * @throws NullPointerException when the job or error is null
   */
  public DeadLetter {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(error, "error");
  }

  /** This entry with the stored size filled in. */
  public DeadLetter withSize(long size) {
    return new DeadLetter(job, error, failedAt, size);
  }
}
