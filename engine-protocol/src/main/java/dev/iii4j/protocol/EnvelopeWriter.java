package dev.iii4j.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes the two frames of every call, {@code invokefunction} and {@code invocationresult}, as
 * bytes: their envelope is a handful of string fields, written here directly instead of through a
 * Jackson generator, and the payload is copied when raw (a tree is written by Jackson, into the
 * same stream). The output is byte for byte what {@link FrameWriter}'s generator writes: same field
 * order, null optional fields left out, and strings of anything but printable ASCII (quotes,
 * backslashes, control characters, non-ASCII) handed to Jackson to escape.
 *
 * <p>The envelope goes through a small buffer, flushed to the stream before a payload and at the
 * end, so a socket buffer sees a few bulk writes per frame.
 */
final class EnvelopeWriter {
  private static final byte[] INVOKE = ascii("{\"type\":\"invokefunction\"");
  private static final byte[] RESULT = ascii("{\"type\":\"invocationresult\"");
  private static final byte[] NULL = ascii("null");
  private static final byte[] VOID = ascii("{\"type\":\"void\"}");
  private static final byte[] ENQUEUE = ascii("{\"type\":\"enqueue\",\"queue\":");
  private static final byte[] ERROR = ascii("{\"code\":");

  private final OutputStream out;
  private byte[] buffer;
  private int length;

  private EnvelopeWriter(OutputStream out, int capacity) {
    this.out = out;
    this.buffer = new byte[capacity];
  }

  /** Writes an invocation or a result; false for any other message (not written). */
  static boolean write(Message message, OutputStream out) throws IOException {
    switch (message) {
      case Message.InvokeFunction m -> new EnvelopeWriter(out, 128 + strings(m)).invocation(m);
      case Message.InvocationResult m -> new EnvelopeWriter(out, 128 + strings(m)).result(m);
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * A little more than the size of the frame when its payload is raw or absent and its strings are
   * ASCII (a guess otherwise), for sizing the buffer the frame goes into.
   */
  static int sizeHint(Message message) {
    return switch (message) {
      case Message.InvokeFunction m -> 192 + strings(m) + payloadSize(m.payload());
      case Message.InvocationResult m -> 192 + strings(m) + payloadSize(m.value());
      default -> 256;
    };
  }

  private static int strings(Message.InvokeFunction m) {
    return len(m.invocationId()) + len(m.functionId()) + len(m.traceparent()) + len(m.baggage());
  }

  private static int strings(Message.InvocationResult m) {
    int error =
        m.error() == null
            ? 0
            : len(m.error().code()) + len(m.error().message()) + len(m.error().stacktrace());
    return len(m.invocationId())
        + len(m.functionId())
        + len(m.traceparent())
        + len(m.baggage())
        + error;
  }

  private static int payloadSize(@Nullable Payload payload) {
    return payload == null || !payload.isRaw() ? 64 : payload.rawLength();
  }

  private static int len(@Nullable String s) {
    return s == null ? 0 : s.length();
  }

  private void invocation(Message.InvokeFunction m) throws IOException {
    bytes(INVOKE);
    optional("invocation_id", m.invocationId());
    field("function_id");
    string(m.functionId());
    field("data");
    payload(m.payload());
    optional("traceparent", m.traceparent());
    optional("baggage", m.baggage());
    if (m.action() != null) {
      field("action");
      switch (m.action()) {
        case TriggerAction.Void v -> bytes(VOID);
        case TriggerAction.Enqueue e -> {
          bytes(ENQUEUE);
          string(e.queue());
          put('}');
        }
      }
    }
    if (m.metadata() != null) {
      field("metadata");
      tree(m.metadata());
    }
    put('}');
    flush();
  }

  private void result(Message.InvocationResult m) throws IOException {
    bytes(RESULT);
    field("invocation_id");
    string(m.invocationId());
    field("function_id");
    string(m.functionId());
    if (m.value() != null) {
      field("result");
      payload(m.value());
    }
    ErrorBody error = m.error();
    if (error != null) {
      field("error");
      bytes(ERROR);
      string(error.code());
      field("message");
      string(error.message());
      optional("stacktrace", error.stacktrace());
      put('}');
    }
    optional("traceparent", m.traceparent());
    optional("baggage", m.baggage());
    put('}');
    flush();
  }

  /** {@code ,"name":}; every field here follows another. */
  private void field(String name) {
    ensure(name.length() + 4);
    buffer[length++] = ',';
    buffer[length++] = '"';
    for (int i = 0; i < name.length(); i++) {
      buffer[length++] = (byte) name.charAt(i);
    }
    buffer[length++] = '"';
    buffer[length++] = ':';
  }

  private void optional(String name, @Nullable String value) throws IOException {
    if (value != null) {
      field(name);
      string(value);
    }
  }

  /**
   * A JSON string, or {@code null}. Plain printable ASCII is copied; a string with anything else is
   * written by Jackson, so its escaping (and its errors, for a lone surrogate) stay Jackson's.
   */
  private void string(@Nullable String value) throws IOException {
    if (value == null) {
      bytes(NULL);
      return;
    }
    int n = value.length();
    ensure(n + 2);
    int start = length;
    buffer[length++] = '"';
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        length = start;
        escaped(value);
        return;
      }
      buffer[length++] = (byte) c;
    }
    buffer[length++] = '"';
  }

  private void escaped(String value) throws IOException {
    flush();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeString(value);
    }
  }

  private void payload(@Nullable Payload payload) throws IOException {
    if (payload == null) {
      bytes(NULL);
    } else if (payload.isRaw()) {
      flush();
      payload.writeRaw(out);
    } else {
      tree(payload.tree());
    }
  }

  private void tree(JsonNode node) throws IOException {
    flush();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      Json.mapper().writeTree(g, node);
    }
  }

  private void put(char c) {
    ensure(1);
    buffer[length++] = (byte) c;
  }

  private void bytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, length, bytes.length);
    length += bytes.length;
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      byte[] bigger = new byte[Math.max(buffer.length * 2, length + more)];
      System.arraycopy(buffer, 0, bigger, 0, length);
      buffer = bigger;
    }
  }

  private void flush() throws IOException {
    if (length > 0) {
      out.write(buffer, 0, length);
      length = 0;
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
