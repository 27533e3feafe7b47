package dev.iii4j.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iii4j.protocol.UpgradeHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

  private static final URI URL = URI.create("ws://localhost:49134");

  @Test
  void defaults() {
    WorkerOptions o = WorkerOptions.builder(URL).build();
    assertThat(o.engineUrl()).isEqualTo(URL);
    assertThat(o.workerName()).isNull();
    assertThat(o.serviceToken()).isNull();
    assertThat(o.headers()).isEmpty();
    assertThat(o.invocationTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.reconnectInitialDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(o.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(WorkerOptions.DEFAULT_INVOCATION_TIMEOUT).isEqualTo(o.invocationTimeout());
    assertThat(WorkerOptions.DEFAULT_RECONNECT_INITIAL_DELAY).isEqualTo(o.reconnectInitialDelay());
    assertThat(WorkerOptions.DEFAULT_RECONNECT_MAX_DELAY).isEqualTo(o.reconnectMaxDelay());
    assertThat(WorkerOptions.DEFAULT_CONNECT_TIMEOUT).isEqualTo(o.connectTimeout());
  }

  @Test
  void everySetterIsKept() {
    WorkerOptions o =
        WorkerOptions.builder(URI.create("wss://engine.example:443/"))
            .workerName("billing")
            .serviceToken("s3cret")
            .header("x-tenant", "t1")
            .invocationTimeout(Duration.ofSeconds(5))
            .reconnectInitialDelay(Duration.ofMillis(50))
            .reconnectMaxDelay(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    assertThat(o.workerName()).isEqualTo("billing");
    assertThat(o.headers()).containsExactly(Map.entry("x-tenant", "t1"));
    assertThat(o.upgradeHeaders())
        .containsEntry("x-tenant", "t1")
        .containsEntry(WorkerOptions.SERVICE_TOKEN_HEADER, "s3cret")
        .containsEntry(UpgradeHeaders.FRAMES, UpgradeHeaders.BINARY_FRAMES);
    assertThat(o.invocationTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.reconnectInitialDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.toBuilder().build()).isEqualTo(o);
  }

  @Test
  void toStringMasksTheToken() {
    WorkerOptions o =
        WorkerOptions.builder(URL).serviceToken("s3cret").header("a", "hidden").build();
    assertThat(o.toString()).doesNotContain("s3cret").doesNotContain("hidden").contains("***");
  }

  @Test
  void headersAreImmutable() {
    WorkerOptions o = WorkerOptions.builder(URL).header("a", "b").build();
    assertThatThrownBy(() -> o.headers().put("c", "d"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNonWebSocketUrls() {
    assertThatThrownBy(() -> WorkerOptions.builder(URI.create("http://localhost:1")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws://");
    assertThatThrownBy(() -> WorkerOptions.builder(URI.create("localhost")).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNonPositiveDurations() {
    assertThatThrownBy(() -> WorkerOptions.builder(URL).invocationTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invocationTimeout");
    assertThatThrownBy(
            () -> WorkerOptions.builder(URL).connectTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(
            () -> WorkerOptions.builder(URL).reconnectInitialDelay(Duration.ZERO).build())
        .hasMessageContaining("reconnectInitialDelay");
    assertThatThrownBy(() -> WorkerOptions.builder(URL).invocationTimeout(null).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void rejectsInitialDelayAboveMax() {
    assertThatThrownBy(
            () ->
                WorkerOptions.builder(URL)
                    .reconnectInitialDelay(Duration.ofSeconds(5))
                    .reconnectMaxDelay(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not exceed");
  }

  @Test
  void rejectsHeadersTheHandshakeOwnsAndBlankNames() {
    assertThatThrownBy(() -> WorkerOptions.builder(URL).header("Upgrade", "x").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WorkerOptions.builder(URL).header("Sec-WebSocket-Key", "x").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WorkerOptions.builder(URL).header(" ", "x").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WorkerOptions.builder(URL).header("X-III-Frames", "text").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set by the SDK");
    assertThatThrownBy(
            () ->
                WorkerOptions.builder(URL)
                    .serviceToken("a")
                    .header(WorkerOptions.SERVICE_TOKEN_HEADER, "b")
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBlankNameAndToken() {
    assertThatThrownBy(() -> WorkerOptions.builder(URL).workerName(" ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WorkerOptions.builder(URL).serviceToken("").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
