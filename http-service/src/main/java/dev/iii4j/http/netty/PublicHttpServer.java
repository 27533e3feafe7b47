package dev.iii4j.http.netty;

import dev.iii4j.http.Application;
import dev.iii4j.http.ConcurrencyLimiter;
import dev.iii4j.http.HttpPipeline;
import dev.iii4j.http.config.CorsProperties;
import dev.iii4j.http.config.HttpServiceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP API listener ({@code engine.http.host}:{@code engine.http.port}, 3111 by
 * default). It binds when the context starts and stops accepting when it closes.
 */
@Requires(env = Application.ENVIRONMENT)
@Context
public final class PublicHttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel server;

  PublicHttpServer(
      HttpServiceProperties properties,
      CorsProperties corsProperties,
      HttpPipeline pipeline,
      MeterRegistry meters,
      ConcurrencyLimiter limiter) {
    Cors cors =
        new Cors(
            corsProperties.enabled(),
            corsProperties.allowedOrigins(),
            corsProperties.allowedMethods());
    ApiHandler api = new ApiHandler(pipeline, cors, new ApiMetrics(meters, limiter));
    int maxBody = (int) Math.min(Integer.MAX_VALUE, properties.maxBodyBytes());
    // epoll where it loads: fewer system calls and wake-ups per request than NIO's selector.
    boolean epoll = properties.nativeTransport() && Epoll.isAvailable();
    if (properties.nativeTransport() && !epoll) {
      LOG.info("native transport unavailable, using Java NIO: {}", Epoll.unavailabilityCause());
    }
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverChannel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    boss = new MultiThreadIoEventLoopGroup(1, handlers);
    MultiThreadIoEventLoopGroup io =
        new MultiThreadIoEventLoopGroup(properties.ioThreads(), handlers);
    workers = io;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(serverChannel)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new StrictServerCodec())
                        .addLast(
                            new ConnectionGuard(
                                pipeline.responses(),
                                properties.headerReadTimeout(),
                                properties.idleTimeout()))
                        .addLast(new LimitedAggregator(maxBody, pipeline.responses()))
                        .addLast(api);
                  }
                });
    server =
        bootstrap
            .bind(new InetSocketAddress(properties.host(), properties.port()))
            .syncUninterruptibly()
            .channel();
    LOG.info(
        "HTTP API listening on {} ({}, {} socket threads)",
        server.localAddress(),
        epoll ? "epoll" : "NIO",
        io.executorCount());
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
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
