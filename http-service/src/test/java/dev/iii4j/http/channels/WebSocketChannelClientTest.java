package dev.iii4j.http.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.http.ChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.GatewayHarness;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channels of requests without a body, announced ahead in batches: one announcement serves
 * {@link WebSocketChannelClient#KIT_BATCH} requests, the next batch is announced off the requests'
 * path before the last one is used, and a request never gets channels of a former connection or
 * older than the limit.
 */
class WebSocketChannelClientTest {
  private static final int BATCH = WebSocketChannelClient.KIT_BATCH;
  private static final byte[] NO_BODY = new byte[0];

  private GatewayHarness gateway;
  private EngineWorker worker;
  private ExecutorService executor;
  private ScheduledExecutorService timer;

  @BeforeEach
  void start() throws Exception {
    // The sweep must not remove what the tests count.
    gateway = GatewayHarness.start(Map.of("engine.gateway.channel-unclaimed-ttl", "1h"));
    worker = gateway.serviceWorker("channel-kits");
    worker.start().get(10, TimeUnit.SECONDS);
    executor = Executors.newVirtualThreadPerTaskExecutor();
    timer = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    gateway.close();
    executor.shutdownNow();
    timer.shutdownNow();
  }

  private ChannelRegistry registry() {
    return gateway.context().getBean(ChannelRegistry.class);
  }

  private boolean exists(ChannelClient.Opened opened) {
    ChannelClient.Ref body = opened.body();
    ChannelClient.Ref response = opened.response().reader();
    return registry().find(body.channelId(), body.accessKey()).isPresent()
        && registry().find(response.channelId(), response.accessKey()).isPresent();
  }

  @Test
  void requestsWithoutABodyShareOneAnnouncementAndTheNextIsMadeAhead() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < BATCH; i++) {
      ChannelClient.Opened opened = client.open(NO_BODY);
      ids.add(opened.body().channelId());
      ids.add(opened.response().reader().channelId());
      await().atMost(Duration.ofSeconds(10)).until(() -> exists(opened));
    }
    assertThat(ids).hasSize(2 * BATCH);
    // Below the low-water mark the next batch was announced on another thread, ahead of use; had
    // any of the first requests announced channels of its own, there would be more.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(registry().size()).isEqualTo(4 * BATCH));
    // The next request takes one of them and announces nothing.
    ChannelClient.Opened next = client.open(NO_BODY);
    assertThat(exists(next)).isTrue();
    assertThat(ids).doesNotContain(next.body().channelId());
    assertThat(registry().size()).isEqualTo(4 * BATCH);
  }

  @Test
  void aRequestWithABodyGetsChannelsOfItsOwn() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    ChannelClient.Opened opened = client.open(new byte[] {1, 2, 3});
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(opened));
    assertThat(registry().size()).isEqualTo(2);
  }

  @Test
  void channelsOfAFormerConnectionAreNotUsed() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    ChannelClient.Opened before = client.open(NO_BODY);
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(before));
    long connection = worker.connectionNumber();

    // A fresh gateway: the former connection's channels are gone with it.
    gateway.restart();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> worker.isConnected() && worker.connectionNumber() > connection);

    ChannelClient.Opened after = client.open(NO_BODY);
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(after));
  }

  @Test
  void channelsOlderThanTheLimitAreReleasedNotUsed() {
    // Every announced channel is already too old when the next request comes.
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer, 0);
    ChannelClient.Opened first = client.open(NO_BODY);
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(first));
    ChannelClient.Opened second = client.open(NO_BODY);
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(second));
    assertThat(second.body().channelId()).isNotEqualTo(first.body().channelId());
    // The first batch's unused channels are released; the first request's own stay until it ends.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(registry().size()).isEqualTo(2 + 2 * BATCH));
  }
}
