package dev.iii4j.sdk;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A minimal RFC 6455 server standing in for the engine in SDK tests: HTTP upgrade, unmasking of
 * client frames (text, binary, continuation, ping, close), unmasked server frames. Each accepted
 * connection is a {@link Peer}; by default it greets the worker with {@code workerregistered}.
 */
final class TestEngine implements AutoCloseable {

  static final MessageCodec CODEC = new MessageCodec();
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket server;
  private final List<Peer> peers = new CopyOnWriteArrayList<>();
  private volatile boolean sendWorkerRegistered = true;

  TestEngine() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("test-engine-accept").start(this::acceptLoop);
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + server.getLocalPort());
  }

  /** Whether new connections are greeted with {@code workerregistered}. */
  void sendWorkerRegistered(boolean send) {
    this.sendWorkerRegistered = send;
  }

  int peerCount() {
    return peers.size();
  }

  /** The {@code index}-th accepted connection, waiting for it to arrive. */
  Peer peer(int index) {
    await().atMost(10, SECONDS).until(() -> peers.size() > index);
    return peers.get(index);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Peer p : peers) {
      p.drop();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().name("test-engine-peer").start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Map<String, String> headers = readRequestHeaders(in);
      String key = headers.get("sec-websocket-key");
      String accept =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-1")
                      .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\n"
                  + "Upgrade: websocket\r\n"
                  + "Connection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + accept
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Peer peer = new Peer(socket, new DataInputStream(in), out, headers);
      if (sendWorkerRegistered) {
        peer.send(CODEC.encode(new Message.WorkerRegistered(peer.workerId, peer.reattachToken)));
      }
      peers.add(peer);
      peer.readLoop();
    } catch (IOException | NoSuchAlgorithmException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  private static Map<String, String> readRequestHeaders(InputStream in) throws IOException {
    Map<String, String> headers = new ConcurrentHashMap<>();
    String line = readLine(in);
    if (line == null || !line.startsWith("GET ")) {
      throw new IOException("not an upgrade request: " + line);
    }
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  /** One accepted connection. */
  static final class Peer {
    final String workerId = UUID.randomUUID().toString();
    final String reattachToken = UUID.randomUUID().toString();
    final Map<String, String> headers;
    final List<String> frames = new CopyOnWriteArrayList<>();
    final AtomicInteger pingsReceived = new AtomicInteger();
    final AtomicInteger pongsReceived = new AtomicInteger();
    volatile boolean answerPings = true;
    volatile int closeCode = -1;
    volatile boolean closed;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private Peer(Socket socket, DataInputStream in, OutputStream out, Map<String, String> headers) {
      this.socket = socket;
      this.in = in;
      this.out = out;
      this.headers = headers;
    }

    /** Sends one text frame. */
    void send(String text) {
      writeFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a message as one text frame. */
    void send(Message message) {
      send(CODEC.encode(message));
    }

    /** Sends one text message split over {@code parts} frames (text then continuations). */
    void sendFragmented(String text, int parts) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int size = (bytes.length + parts - 1) / parts;
      synchronized (this) {
        for (int i = 0, start = 0; start < bytes.length; i++, start += size) {
          int end = Math.min(bytes.length, start + size);
          byte[] chunk = java.util.Arrays.copyOfRange(bytes, start, end);
          writeFrame(end == bytes.length, i == 0 ? 0x1 : 0x0, chunk);
        }
      }
    }

    /** Sends one binary frame holding UTF-8 text. */
    void sendBinary(String text) {
      writeFrame(true, 0x2, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a WebSocket Ping control frame. */
    void sendPing() {
      writeFrame(true, 0x9, new byte[0]);
    }

    /** Drops the TCP connection without a Close frame. */
    void drop() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }

    /** The received frames decoded. */
    List<Message> messages() {
      List<Message> out = new ArrayList<>();
      for (String f : frames) {
        out.add(CODEC.decode(f));
      }
      return out;
    }

    /** The wire types of the received frames, in order. */
    List<String> types() {
      return messages().stream().map(MessageCodec::typeOf).toList();
    }

    /** Waits for the first received message of a type that matches, and returns it. */
    <T extends Message> T await(Class<T> type, Predicate<T> match) {
      return org.awaitility.Awaitility.await()
          .atMost(10, SECONDS)
          .until(() -> find(type, match), Optional::isPresent)
          .orElseThrow();
    }

    /** The first received message of a type that matches. */
    <T extends Message> Optional<T> find(Class<T> type, Predicate<T> match) {
      return messages().stream().filter(type::isInstance).map(type::cast).filter(match).findFirst();
    }

    /** Waits for the {@code invokefunction} of a function id. */
    Message.InvokeFunction awaitInvoke(String functionId) {
      return await(Message.InvokeFunction.class, m -> m.functionId().equals(functionId));
    }

    /** Waits for the {@code invocationresult} of an invocation id. */
    Message.InvocationResult awaitResult(String invocationId) {
      return await(Message.InvocationResult.class, m -> m.invocationId().equals(invocationId));
    }

    /** The raw text of the {@code invocationresult} of an invocation id, waiting for it. */
    String awaitResultText(String invocationId) {
      awaitResult(invocationId);
      return frames.stream()
          .filter(f -> f.contains("\"invocationresult\"") && f.contains(invocationId))
          .findFirst()
          .orElseThrow();
    }

    private synchronized void writeFrame(boolean fin, int opcode, byte[] payload) {
      try {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
          frame.write(payload.length);
        } else if (payload.length < 65536) {
          frame.write(126);
          frame.write(payload.length >>> 8);
          frame.write(payload.length & 0xFF);
        } else {
          frame.write(127);
          for (int shift = 56; shift >= 0; shift -= 8) {
            frame.write((int) (((long) payload.length >>> shift) & 0xFF));
          }
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
      } catch (IOException e) {
        closed = true;
      }
    }

    private void readLoop() {
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      try {
        while (true) {
          int b0 = in.readUnsignedByte();
          int b1 = in.readUnsignedByte();
          boolean fin = (b0 & 0x80) != 0;
          int opcode = b0 & 0x0F;
          long length = b1 & 0x7F;
          if (length == 126) {
            length = in.readUnsignedShort();
          } else if (length == 127) {
            length = in.readLong();
          }
          byte[] mask = new byte[4];
          boolean masked = (b1 & 0x80) != 0;
          if (masked) {
            in.readFully(mask);
          }
          byte[] payload = new byte[(int) length];
          in.readFully(payload);
          if (masked) {
            for (int i = 0; i < payload.length; i++) {
              payload[i] ^= mask[i % 4];
            }
          }
          switch (opcode) {
            case 0x0, 0x1, 0x2 -> {
              message.write(payload);
              if (fin) {
                frames.add(message.toString(StandardCharsets.UTF_8));
                message.reset();
              }
            }
            case 0x8 -> {
              closeCode =
                  payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
              writeFrame(
                  true,
                  0x8,
                  payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
              drop();
              return;
            }
            case 0x9 -> {
              pingsReceived.incrementAndGet();
              if (answerPings) {
                writeFrame(true, 0xA, payload);
              }
            }
            case 0xA -> pongsReceived.incrementAndGet();
            default -> throw new IOException("unexpected opcode " + opcode);
          }
        }
      } catch (EOFException e) {
        closed = true;
      } catch (IOException e) {
        closed = true;
      }
    }
  }
}
