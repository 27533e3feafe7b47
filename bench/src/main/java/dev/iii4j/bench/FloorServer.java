package dev.iii4j.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;

/**
 * The floors of B1, B2, B4 and B7 in a JVM of their own, started with the same JVM flags as the
 * services: a Netty WebSocket echo (the gateway's pipeline without the engine: HTTP codec,
 * handshake, frame aggregation, and the text frame written back) and a bare Netty HTTP endpoint
 * answering {@code GET /bench/<id>} with {@code {"id":"<id>"}}, as the B7 handler does through the
 * engine. Both use Netty's default event-loop size, as the gateway and http-service do.
 *
 * <p>Arguments: the WebSocket port and the HTTP port. Prints {@code READY}; exits when standard
 * input closes.
 */
public final class FloorServer {
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private FloorServer() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    int wsPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    Channel ws = server(boss, io, new EchoInitializer()).bind("127.0.0.1", wsPort).sync().channel();
    Channel http =
        server(boss, io, new HttpInitializer()).bind("127.0.0.1", httpPort).sync().channel();
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // Runs until the harness closes standard input.
    }
    ws.close().sync();
    http.close().sync();
    io.shutdownGracefully();
    boss.shutdownGracefully();
    System.exit(0);
  }

  private static ServerBootstrap server(
      EventLoopGroup boss, EventLoopGroup io, ChannelInitializer<SocketChannel> init) {
    return new ServerBootstrap()
        .group(boss, io)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(init);
  }

  private static final class EchoInitializer extends ChannelInitializer<SocketChannel> {
    @Override
    protected void initChannel(SocketChannel channel) {
      channel
          .pipeline()
          .addLast(new HttpServerCodec())
          .addLast(new HttpObjectAggregator(64 * 1024))
          .addLast(
              new WebSocketServerProtocolHandler(
                  WebSocketServerProtocolConfig.newBuilder()
                      .websocketPath("/")
                      .maxFramePayloadLength(16 * 1024 * 1024)
                      .allowExtensions(true)
                      .build()))
          .addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
          .addLast(new Echo());
    }
  }

  private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        ctx.writeAndFlush(frame.retain());
      }
    }
  }

  private static final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    @Override
    protected void initChannel(SocketChannel channel) {
      channel
          .pipeline()
          .addLast(new HttpServerCodec())
          .addLast(new HttpObjectAggregator(1024 * 1024))
          .addLast(new Hello());
    }
  }

  private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String uri = request.uri();
      int slash = uri.lastIndexOf('/');
      String id = slash < 0 ? "" : uri.substring(slash + 1);
      ByteBuf body = Unpooled.copiedBuffer("{\"id\":\"" + id + "\"}", StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, body.readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
