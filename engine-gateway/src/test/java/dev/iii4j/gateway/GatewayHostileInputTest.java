package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.iii4j.protocol.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One connection must not be able to hurt the gateway: registration caps, bad frames counted with
 * rate-limited logs, and the RFC 6455 close codes for invalid UTF-8 (1007) and oversized frames
 * (1009, every time, even while the client is still sending).
 */
class GatewayHostileInputTest {
  private static final int MAX_FRAME = 64 * 1024;
  private static final int MAX_MESSAGE = 128 * 1024;
  private static ApplicationContext context;
  private static int port;

  @BeforeAll
  static void start() {
    context =
        TestGateway.run(
            Map.of(
                "engine.gateway.max-frame-bytes",
                MAX_FRAME,
                "engine.gateway.max-message-bytes",
                MAX_MESSAGE,
                "engine.gateway.limits.max-functions",
                3,
                "engine.gateway.limits.max-triggers",
                2,
                "engine.gateway.limits.max-trigger-types",
                1));
    port = TestGateway.port(context);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  private static double counter(String name, String tag, String value) {
    var counter = context.getBean(MeterRegistry.class).find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private static String unique(String prefix) {
    return prefix + "::" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void registrationsOverTheConnectionLimitsAreRefusedWithAClearError() throws Exception {
    double before = counter("iii.connection.limit.refusals", "kind", "function");
    try (RawWorker worker = RawWorker.connect(port)) {
      String[] ids = {unique("a"), unique("b"), unique("c"), unique("d")};
      for (String id : ids) {
        worker.send(new Message.RegisterFunction(id));
      }
      Message.ErrorFrame refused = worker.next(Message.ErrorFrame.class);
      assertThat(refused.error().code()).isEqualTo("limit_exceeded");
      assertThat(refused.error().message())
          .contains("3 functions")
          .contains("engine.gateway.limits.max-functions")
          .contains(ids[3]);
      // Registering a held id again is not a new registration; withdrawing one frees a slot.
      worker.send(new Message.RegisterFunction(ids[0]));
      worker.send(new Message.UnregisterFunction(ids[1]));
      worker.send(new Message.RegisterFunction(ids[3]));
      worker.sync();
      assertThat(worker.poll(0)).isNull();
      assertThat(counter("iii.connection.limit.refusals", "kind", "function") - before)
          .isEqualTo(1.0);

      worker.send(new Message.RegisterTriggerType(unique("type"), "one"));
      worker.send(new Message.RegisterTriggerType(unique("type"), "two"));
      assertThat(worker.next(Message.ErrorFrame.class).error().message())
          .contains("1 trigger types");
      for (int i = 0; i < 3; i++) {
        worker.send(
            new Message.RegisterTrigger(
                unique("t"), "durable:subscriber", ids[0], RawWorker.CODEC.parseTree("{}"), null));
      }
      assertThat(worker.next(Message.ErrorFrame.class).error().message()).contains("2 triggers");
    }
    // The limits are per connection: a new one starts from zero.
    try (RawWorker other = RawWorker.connect(port)) {
      other.send(new Message.RegisterFunction(unique("fresh")));
      other.sync();
      assertThat(other.poll(0)).isNull();
    }
  }

  @Test
  void badFramesAreCountedAndTheirLogIsRateLimitedPerConnection() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.iii4j.gateway.ws.BadFrameLog");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    double before = counter("iii.frames.bad", "reason", "decode");
    try (RawWorker worker = RawWorker.connect(port)) {
      for (int i = 0; i < 200; i++) {
        worker.sendText("{not json " + i);
      }
      worker.sync();
      assertThat(counter("iii.frames.bad", "reason", "decode") - before).isEqualTo(200.0);
      assertThat(appender.list.stream().filter(e -> e.getLevel() == Level.WARN).count())
          .isBetween(3L, 4L);
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8ClosesWith1007() throws Exception {
    double before = counter("iii.frames.bad", "reason", "invalid_utf8");
    try (RawSocket socket = RawSocket.upgrade(port)) {
      socket.sendFrame(0x1, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      assertThat(socket.readCloseCode()).isEqualTo(1007);
    }
    assertThat(counter("iii.frames.bad", "reason", "invalid_utf8") - before).isEqualTo(1.0);
  }

  @Test
  void aTextMessageSplitInsideACharacterAcrossFramesIsWholeUtf8() throws Exception {
    byte[] message =
        "{\"type\":\"ping\",\"note\":\"caf\u00e9 \uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8);
    int cut = indexOf(message, (byte) 0xC3) + 1; // between the two bytes of the é
    try (RawSocket socket = RawSocket.upgrade(port)) {
      socket.sendFrame(0x1, false, java.util.Arrays.copyOfRange(message, 0, cut));
      socket.sendFrame(0x0, true, java.util.Arrays.copyOfRange(message, cut, message.length));
      int[] opcode = new int[1];
      String answer = new String(socket.readFrame(opcode), StandardCharsets.UTF_8);
      assertThat(opcode[0]).isEqualTo(0x1);
      assertThat(answer).contains("\"pong\"");
    }
  }

  @Test
  void aBinaryFrameThatIsNotUtf8IsDroppedAndTheConnectionStays() throws Exception {
    double before = counter("iii.frames.bad", "reason", "invalid_utf8");
    try (RawWorker worker = RawWorker.connect(port)) {
      // Valid JSON syntax around an overlong encoding of '/', which a lenient parser would pass on.
      worker.sendBinary(
          new byte[] {
            '{',
            '"',
            't',
            'y',
            'p',
            'e',
            '"',
            ':',
            '"',
            'p',
            'i',
            'n',
            'g',
            '"',
            ',',
            '"',
            'x',
            '"',
            ':',
            '"',
            (byte) 0xC0,
            (byte) 0xAF,
            '"',
            '}'
          });
      worker.sync();
      assertThat(counter("iii.frames.bad", "reason", "invalid_utf8") - before).isEqualTo(1.0);
      // The ping inside the dropped frame was not answered: the one pong came from sync().
      assertThat(worker.poll(0)).isNull();
    }
  }

  @Test
  void aBinaryFrameOfJsonIsAProtocolMessage() throws Exception {
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
      worker.next(Message.Pong.class);
    }
  }

  private static int indexOf(byte[] bytes, byte value) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    throw new AssertionError("no byte " + value);
  }

  @Test
  void oversizedFramesCloseWith1009EveryTimeEvenWhileTheClientIsStillSending() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (RawSocket socket = RawSocket.upgrade(port)) {
        // The header announces 8 MB; the gateway refuses after the header and must still be heard.
        socket.sendFrameHeader(0x1, 8 * 1024 * 1024);
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        socket.sendPayloadChunks(8 * 1024 * 1024);
                      } catch (IOException expected) {
                        // The gateway stops reading once the peer has had time to read the close.
                      }
                    });
        assertThat(socket.readCloseCode()).as("connection %d", i).isEqualTo(1009);
        writer.interrupt();
      }
    }
  }

  @Test
  void messagesOverTheLimitAcrossContinuationFramesCloseWith1009() throws Exception {
    try (RawSocket socket = RawSocket.upgrade(port)) {
      byte[] part = "x".repeat(MAX_FRAME / 2).getBytes(StandardCharsets.US_ASCII);
      socket.sendFrame(0x1, false, part);
      for (int i = 0; i < 4; i++) {
        socket.sendFrame(0x0, false, part);
      }
      assertThat(socket.readCloseCode()).isEqualTo(1009);
    }
  }

  /** A WebSocket client on a plain socket, for frames the JDK client will not send. */
  private static final class RawSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawSocket(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new DataInputStream(socket.getInputStream());
    }

    static RawSocket upgrade(int port) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      RawSocket raw = new RawSocket(socket);
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      raw.out.write(
          ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: "
                  + Base64.getEncoder().encodeToString(nonce)
                  + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      raw.out.flush();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) raw.in.readUnsignedByte());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      // The gateway greets with workerregistered; skip it.
      raw.readFrame();
      return raw;
    }

    void sendFrame(int opcode, byte[] payload) throws IOException {
      sendFrame(opcode, true, payload);
    }

    void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
      writeHeader(opcode, fin, payload.length);
      out.write(payload); // A zero mask leaves the payload as is.
      out.flush();
    }

    void sendFrameHeader(int opcode, long length) throws IOException {
      writeHeader(opcode, true, length);
      out.flush();
    }

    void sendPayloadChunks(long length) throws IOException {
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (long sent = 0; sent < length && !Thread.currentThread().isInterrupted(); ) {
        int n = (int) Math.min(chunk.length, length - sent);
        out.write(chunk, 0, n);
        sent += n;
      }
      out.flush();
    }

    private void writeHeader(int opcode, boolean fin, long length) throws IOException {
      out.write((fin ? 0x80 : 0) | opcode);
      if (length < 126) {
        out.write(0x80 | (int) length);
      } else if (length <= 0xFFFF) {
        out.write(0x80 | 126);
        out.write((int) (length >>> 8) & 0xFF);
        out.write((int) length & 0xFF);
      } else {
        out.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          out.write((int) (length >>> shift) & 0xFF);
        }
      }
      out.write(new byte[4]); // Masking key 0.
    }

    /** Reads frames until a close frame, and returns its status code. */
    int readCloseCode() throws IOException {
      while (true) {
        int[] opcode = new int[1];
        byte[] payload = readFrame(opcode);
        if (opcode[0] == 0x8) {
          return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
      }
    }

    private byte[] readFrame() throws IOException {
      return readFrame(new int[1]);
    }

    byte[] readFrame(int[] opcode) throws IOException {
      int b0 = in.readUnsignedByte();
      opcode[0] = b0 & 0x0F;
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return payload;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
