package dev.iii4j.http.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.http.ChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.GatewayHarness;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channels of requests without a body are minted: named and keyed under the connection's mint,
 * which is registered once per connection; the gateway creates them only when a side connects.
 * Requests with a body get channels announced with their content.
 */
class WebSocketChannelClientTest {
  private static final byte[] NO_BODY = new byte[0];
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private GatewayHarness gateway;
  private EngineWorker worker;
  private ExecutorService executor;
  private ScheduledExecutorService timer;

  @BeforeEach
  void start() throws Exception {
    // The sweep must not remove what the tests count.
    gateway = GatewayHarness.start(Map.of("engine.gateway.channel-unclaimed-ttl", "1h"));
    worker = gateway.serviceWorker("channel-mints");
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

  private static String prefix(ChannelClient.Opened opened) {
    String id = opened.body().channelId();
    return id.substring(0, id.indexOf('.'));
  }

  @Test
  void requestsWithoutABodyGetMintedChannelsThatExistOnlyOnceASideConnects() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    long before = System.currentTimeMillis() / 1000;
    ChannelClient.Opened first = client.open(NO_BODY, TIMEOUT);
    ChannelClient.Opened second = client.open(NO_BODY, TIMEOUT);
    assertThat(first.release()).as("minted channels are never released").isFalse();
    assertThat(prefix(second)).isEqualTo(prefix(first));
    assertThat(second.body().channelId()).isNotEqualTo(first.body().channelId());
    assertThat(first.body().channelId()).matches(prefix(first) + "\\.b\\.\\d+\\.\\d+");
    assertThat(first.response().writer().channelId())
        .isEqualTo(first.response().reader().channelId())
        .matches(prefix(first) + "\\.r\\.\\d+\\.\\d+");
    String id = first.response().reader().channelId();
    long expiry = Long.parseLong(id.substring(id.lastIndexOf('.') + 1));
    assertThat(expiry)
        .isGreaterThanOrEqualTo(
            before + TIMEOUT.toSeconds() + WebSocketChannelClient.MINT_GRACE_MS / 1000);

    await().atMost(Duration.ofSeconds(10)).until(() -> registry().mints() == 1);
    assertThat(registry().size()).as("nothing announced").isZero();
    assertThat(exists(first)).isTrue();
    assertThat(exists(second)).isTrue();
    assertThat(registry().size()).isEqualTo(4);
    assertThat(registry().find(second.body().channelId() + "0", second.body().accessKey()))
        .isEmpty();
    assertThat(registry().mints()).as("one mint per connection").isEqualTo(1);
  }

  @Test
  void aRequestWithABodyGetsChannelsOfItsOwn() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    ChannelClient.Opened opened = client.open(new byte[] {1, 2, 3}, TIMEOUT);
    assertThat(opened.release()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry().size() == 2);
    assertThat(exists(opened)).isTrue();
    assertThat(registry().mints()).isZero();
  }

  @Test
  void aNewConnectionGetsANewMint() {
    WebSocketChannelClient client = new WebSocketChannelClient(worker, executor, timer);
    ChannelClient.Opened before = client.open(NO_BODY, TIMEOUT);
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(before));
    long connection = worker.connectionNumber();

    // A fresh gateway: the former connection's mint is gone with it.
    gateway.restart();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> worker.isConnected() && worker.connectionNumber() > connection);

    ChannelClient.Opened after = client.open(NO_BODY, TIMEOUT);
    assertThat(prefix(after)).isNotEqualTo(prefix(before));
    await().atMost(Duration.ofSeconds(10)).until(() -> exists(after));
  }
}
