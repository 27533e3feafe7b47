package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.ListenerPolicy;
import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.config.ListenerProperties;
import dev.iii4j.gateway.config.ServiceTokenPolicy;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.registry.WorkerRegistry;
import dev.iii4j.gateway.routing.MessageRouter;
import dev.iii4j.gateway.telemetry.TelemetryForwarder;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.MessageCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker listeners: the main one ({@code engine.gateway.port}) and any configured under {@code
 * engine.gateway.listeners}, each serving {@code /} (worker connections) and {@code /otel}
 * (telemetry, discarded), all sharing one engine. Starts with the application context; on stop it
 * refuses new connections, fails calls in flight with {@code engine_shutting_down}, closes every
 * connection with 1001, and waits up to the shutdown grace for them to go.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class WorkerListener {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerListener.class);
  private static final int BACKLOG_LIMIT = 1024;
  private static final String MAIN = "main";

  private final GatewayProperties properties;
  private final MessageRouter router;
  private final MessageCodec codec;
  private final Invoker invoker;
  private final WorkerRegistry workers;
  private final ChannelRegistry channels;
  private final EventLoopGroup boss;
  private final EventLoopGroup io;
  private final Class<? extends ServerChannel> serverChannel;
  private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Map<String, Channel> servers = new LinkedHashMap<>();
  private volatile boolean stopping;
  private final BadFrameLog.Counters badFrameCounters;
  private final TelemetryForwarder telemetry;

  WorkerListener(
      GatewayProperties properties,
      List<ListenerProperties> extraListeners,
      MessageRouter router,
      MessageCodec codec,
      Invoker invoker,
      WorkerRegistry workers,
      ChannelRegistry channels,
      BeanProvider<MeterRegistry> meters,
      TelemetryForwarder telemetry)
      throws InterruptedException {
    this.telemetry = telemetry;
    this.badFrameCounters = new BadFrameLog.Counters(meters.isPresent() ? meters.get() : null);
    this.properties = properties;
    this.router = router;
    this.codec = codec;
    this.invoker = invoker;
    this.workers = workers;
    this.channels = channels;
    boolean epoll = properties.nativeTransport() && Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    int threads =
        properties.ioThreads() > 0
            ? properties.ioThreads()
            : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    this.boss = new MultiThreadIoEventLoopGroup(1, handlers);
    this.io = new MultiThreadIoEventLoopGroup(threads, handlers);
    this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    if (properties.nativeTransport() && !epoll) {
      LOG.info("native transport unavailable, using Java NIO: {}", Epoll.unavailabilityCause());
    }
    LOG.info(
        "worker connections served by {} socket threads ({})", threads, epoll ? "epoll" : "NIO");
    if (properties.secured()) {
      ServiceTokenPolicy.weakness(properties.serviceToken())
          .ifPresent(
              reason -> {
                if (!properties.allowWeakServiceToken()) {
                  throw new ConfigurationException(reason);
                }
                LOG.warn("{} ({}=true: starting anyway)", reason, ServiceTokenPolicy.ALLOW_WEAK);
              });
    } else {
      LOG.warn(
          "No service token configured (III_SERVICE_TOKEN): the gateway runs open, and any worker"
              + " may register built-in functions and trigger types");
    }
    try {
      bind(ListenerPolicy.open(MAIN), properties.host(), properties.port());
      for (ListenerProperties extra : extraListeners) {
        bind(ListenerPolicy.of(extra), extra.host(), extra.port());
      }
    } catch (InterruptedException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void bind(ListenerPolicy policy, String host, int port) throws InterruptedException {
    if (servers.containsKey(policy.name())) {
      throw new IllegalStateException("two worker listeners are named " + policy.name());
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, io)
            .channel(serverChannel)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    if (stopping) {
                      channel.close();
                      return;
                    }
                    channel
                        .pipeline()
                        .addLast("http", new HttpServerCodec())
                        .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                        .addLast("handshake", new HandshakeHandler(WorkerListener.this, policy));
                  }
                });
    Channel server = bootstrap.bind(host, port).sync().channel();
    servers.put(policy.name(), server);
    LOG.info(
        "worker listener {} on ws://{}:{}/{}{}",
        policy.name(),
        host,
        ((InetSocketAddress) server.localAddress()).getPort(),
        policy.rbac() != null ? " with RBAC" : "",
        policy.middlewareFunctionId() != null
            ? " and middleware " + policy.middlewareFunctionId()
            : "");
  }

  /** The port of the main listener (useful when configured with 0). */
  public int port() {
    return port(MAIN);
  }

  /**
   * The port of a named listener.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public int port(String listener) {
    Channel server = servers.get(listener);
    if (server == null) {
      throw new IllegalArgumentException("no worker listener named " + listener);
    }
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Whether every listener accepts connections. */
  public boolean accepting() {
    return !stopping && servers.values().stream().allMatch(Channel::isActive);
  }

  GatewayProperties properties() {
    return properties;
  }

  MessageRouter router() {
    return router;
  }

  TelemetryForwarder telemetry() {
    return telemetry;
  }

  MessageCodec codec() {
    return codec;
  }

  ChannelRegistry channels() {
    return channels;
  }

  ExecutorService taskExecutor() {
    return tasks;
  }

  BadFrameLog.Counters badFrameCounters() {
    return badFrameCounters;
  }

  int backlogLimit() {
    return BACKLOG_LIMIT;
  }

  void track(Channel channel) {
    connections.add(channel);
  }

  /** Graceful stop; see the class description. */
  @PreDestroy
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    LOG.info(
        "worker listeners stopping: {} connections, {} calls in flight",
        connections.size(),
        invoker.inFlight());
    servers.values().forEach(server -> server.close().awaitUninterruptibly());
    invoker.haltAll(ErrorCode.ENGINE_SHUTTING_DOWN.body("The engine is shutting down"));
    for (var session : workers.all()) {
      session.close(1001, "engine shutting down");
    }
    connections.writeAndFlush(new CloseWebSocketFrame(1001, "engine shutting down"));
    long grace = properties.shutdownGrace().toMillis();
    if (!connections.newCloseFuture().awaitUninterruptibly(grace, TimeUnit.MILLISECONDS)) {
      connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    tasks.shutdownNow();
    LOG.info("worker listeners stopped");
  }
}
