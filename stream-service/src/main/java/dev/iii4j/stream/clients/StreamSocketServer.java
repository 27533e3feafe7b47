package dev.iii4j.stream.clients;

import dev.iii4j.stream.ConnectionAuth;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.SubscriptionHooks;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client WebSocket listener ({@code engine.stream.host}:{@code engine.stream.port}, 3112 by
 * default). It binds when the context starts. On stop it refuses new connections, closes the
 * clients with 1001 and waits up to {@code shutdown-grace} for their leave triggers.
 */
@Context
@Requires(env = StreamService.ENVIRONMENT)
public final class StreamSocketServer {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSocketServer.class);

  /** The largest HTTP upgrade request (headers) accepted. */
  private static final int MAX_UPGRADE_REQUEST_BYTES = 65536;

  private final ClientHub hub;
  private final Duration shutdownGrace;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final Channel server;

  StreamSocketServer(
      StreamProperties properties,
      ClientHub hub,
      StreamService streams,
      SubscriptionHooks hooks,
      ConnectionAuth auth) {
    this.hub = hub;
    this.shutdownGrace = properties.shutdownGrace();
    ClientSessions sessions =
        new ClientSessions(
            hub,
            streams,
            hooks,
            requests,
            properties.maxBufferedBytes(),
            properties.maxQueuedFrames());
    int maxFrameBytes = properties.maxFrameBytes();
    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(properties.ioThreads(), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES))
                        .addLast(new UpgradeHandler(sessions, auth, maxFrameBytes));
                  }
                });
    server =
        bootstrap
            .bind(new InetSocketAddress(properties.host(), properties.port()))
            .syncUninterruptibly()
            .channel();
    LOG.info("stream clients connect to ws://{}/", server.localAddress());
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Whether the listener is bound. */
  public boolean isListening() {
    return server.isActive();
  }

  @PreDestroy
  void stop() {
    server.close().syncUninterruptibly();
    int clients = hub.connected();
    if (clients > 0) {
      LOG.info("closing {} stream clients", clients);
      for (ClientSession session : hub.sessions()) {
        session.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "stream service stopping");
      }
      // Their leave triggers run as the sockets close; give them the grace period.
      Instant deadline = Instant.now().plus(shutdownGrace);
      while (hub.connected() > 0 && Instant.now().isBefore(deadline)) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    requests.shutdownNow();
  }
}
