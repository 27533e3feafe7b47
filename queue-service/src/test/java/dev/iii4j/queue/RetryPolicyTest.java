package dev.iii4j.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.sdk.WorkerException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void delaysGrowExponentiallyFromTheBase() {
    RetryPolicy p = RetryPolicy.forQueue(4, Duration.ofMillis(50), 2.0);
    assertThat(p.delayFor(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(p.delayFor(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayFor(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.exhausted(3)).isFalse();
    assertThat(p.exhausted(4)).isTrue();
  }

  @Test
  void delaysAreCapped() {
    RetryPolicy p = new RetryPolicy(100, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));
    assertThat(p.delayFor(60)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void namedQueuesCountTotalAttemptsAndZeroMeansOne() {
    assertThat(RetryPolicy.forQueue(0, Duration.ZERO, 2).maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.forQueue(2, Duration.ZERO, 2).maxAttempts()).isEqualTo(2);
  }

  @Test
  void subscribersCountRetriesAfterTheFirstAttempt() {
    assertThat(RetryPolicy.forSubscriber(null, Duration.ofSeconds(1)).maxAttempts()).isEqualTo(3);
    assertThat(RetryPolicy.forSubscriber(0, Duration.ofSeconds(1)).maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.forSubscriber(4, Duration.ofSeconds(1)).maxAttempts()).isEqualTo(5);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 2, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), 0.5, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failuresAreClassified() {
    Failure handler =
        Failure.classify(
            new CompletionException(
                new WorkerException.Remote("f", new ErrorBody("boom", "bad", null))));
    assertThat(handler.kind()).isEqualTo(Failure.Kind.HANDLER);
    assertThat(handler.describe()).isEqualTo("boom: bad");
    assertThat(Failure.classify(new WorkerException.NotConnected("gone")).kind())
        .isEqualTo(Failure.Kind.TRANSPORT);
    assertThat(Failure.classify(new WorkerException.Protocol("garbled", null)).retriable())
        .isFalse();
  }

  @Test
  void protocolViolationsGoStraightToTheDeadLetters() {
    Job job = new Job("id", "q", "f", null, null, null, null, null, 0, 0, null);
    RetryPolicy policy = RetryPolicy.forQueue(5, Duration.ofMillis(10), 2);
    assertThat(QueueService.decide(job, Failure.protocol("bad"), policy, ""))
        .isInstanceOf(Verdict.DeadLettered.class);
    Verdict retry =
        QueueService.decide(job, new Failure(Failure.Kind.HANDLER, "boom", "x"), policy, "");
    assertThat(retry)
        .isInstanceOfSatisfying(
            Verdict.Retry.class,
            r -> {
              assertThat(r.job().attemptsMade()).isEqualTo(1);
              assertThat(r.delay()).isEqualTo(Duration.ofMillis(10));
            });
  }
}
