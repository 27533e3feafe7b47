package dev.iii4j.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

  @Test
  void doublesPerAttemptWithoutJitterAtTheMiddleDraw() {
    assertThat(backoff.delay(0, 0.5)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(1, 0.5)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.delay(2, 0.5)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.delay(7, 0.5)).isEqualTo(Duration.ofMillis(25_600));
  }

  @Test
  void capsAtTheMaximumBeforeJitter() {
    assertThat(backoff.delay(8, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(1_000, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(Integer.MAX_VALUE, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(1_000, 0.0)).isEqualTo(Duration.ofSeconds(21));
  }

  @Test
  void jitterIsThirtyPercentEitherWay() {
    assertThat(backoff.delay(0, 0.0)).isEqualTo(Duration.ofMillis(140));
    assertThat(backoff.delay(0, 1.0)).isEqualTo(Duration.ofMillis(260));
    assertThat(backoff.delay(3, 0.25)).isEqualTo(Duration.ofMillis(1_360));
  }

  @Test
  void randomDrawsStayWithinTheBounds() {
    for (int attempt = 0; attempt < 20; attempt++) {
      double base = Math.min(200 * Math.pow(2, attempt), 30_000);
      for (int i = 0; i < 50; i++) {
        long ms = backoff.delay(attempt).toMillis();
        assertThat(ms).isBetween((long) Math.floor(base * 0.7), (long) Math.ceil(base * 1.3));
      }
    }
  }

  @Test
  void rejectsBadBounds() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(-1, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
