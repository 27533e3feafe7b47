package dev.iii4j.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames with Jackson's streaming generator, field by field, {@code type} first.
 *
 * <p>Frames are written by hand rather than through data binding: that keeps the encoding exact
 * (optional fields are left out when null, {@code data} and {@code config} are always written) and
 * lets a raw payload be copied into the frame without re-encoding.
 */
final class FrameWriter {
  private static final JsonFactory FACTORY = Json.FACTORY;

  private FrameWriter() {}

  static byte[] write(Message message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(EnvelopeWriter.sizeHint(message));
    write(message, out);
    return out.toByteArray();
  }

  /**
   * Writes the frame as UTF-8 into {@code out}; raw payloads are copied into it as they are.
   * Invocations and results, the frames of every call, are written by {@link EnvelopeWriter}.
   */
  static void write(Message message, OutputStream out) {
    try {
      if (!EnvelopeWriter.write(message, out)) {
        generated(message, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes any frame with Jackson's generator (what {@link EnvelopeWriter} must match). */
  static void generated(Message message, OutputStream out) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      frame(g, message, out);
    }
  }

  /** Writes the frame as text, in one pass (raw payloads are decoded to text once). */
  static String writeText(Message message) {
    SegmentedStringWriter out = new SegmentedStringWriter(FACTORY._getBufferRecycler());
    try {
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        frame(g, message, null);
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void frame(JsonGenerator g, Message message, @Nullable OutputStream out)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("type", MessageCodec.typeOf(message));
    fields(g, message, out);
    g.writeEndObject();
  }

  private static void fields(JsonGenerator g, Message message, @Nullable OutputStream out)
      throws IOException {
    switch (message) {
      case Message.RegisterFunction m -> {
        g.writeStringField("id", m.id());
        string(g, "description", m.description());
        tree(g, "request_format", m.requestFormat());
        tree(g, "response_format", m.responseFormat());
        tree(g, "metadata", m.metadata());
        tree(g, "invocation", m.invocation());
      }
      case Message.UnregisterFunction m -> g.writeStringField("id", m.id());
      case Message.InvokeFunction m -> {
        string(g, "invocation_id", m.invocationId());
        g.writeStringField("function_id", m.functionId());
        g.writeFieldName("data");
        payload(g, m.payload(), out);
        string(g, "traceparent", m.traceparent());
        string(g, "baggage", m.baggage());
        if (m.action() != null) {
          g.writeObjectFieldStart("action");
          switch (m.action()) {
            case TriggerAction.Void v -> g.writeStringField("type", "void");
            case TriggerAction.Enqueue e -> {
              g.writeStringField("type", "enqueue");
              g.writeStringField("queue", e.queue());
            }
          }
          g.writeEndObject();
        }
        tree(g, "metadata", m.metadata());
      }
      case Message.InvocationResult m -> {
        g.writeStringField("invocation_id", m.invocationId());
        g.writeStringField("function_id", m.functionId());
        if (m.value() != null) {
          g.writeFieldName("result");
          payload(g, m.value(), out);
        }
        error(g, m.error());
        string(g, "traceparent", m.traceparent());
        string(g, "baggage", m.baggage());
      }
      case Message.RegisterTriggerType m -> {
        g.writeStringField("id", m.id());
        g.writeStringField("description", m.description());
        tree(g, "trigger_request_format", m.triggerRequestFormat());
        tree(g, "call_request_format", m.callRequestFormat());
      }
      case Message.UnregisterTriggerType m -> g.writeStringField("id", m.id());
      case Message.RegisterTrigger m -> {
        g.writeStringField("id", m.id());
        g.writeStringField("trigger_type", m.triggerType());
        g.writeStringField("function_id", m.functionId());
        g.writeFieldName("config");
        node(g, m.config());
        tree(g, "metadata", m.metadata());
      }
      case Message.TriggerRegistrationResult m -> {
        g.writeStringField("id", m.id());
        g.writeStringField("trigger_type", m.triggerType());
        g.writeStringField("function_id", m.functionId());
        error(g, m.error());
      }
      case Message.UnregisterTrigger m -> {
        g.writeStringField("id", m.id());
        string(g, "trigger_type", m.triggerType());
      }
      case Message.WorkerRegistered m -> {
        g.writeStringField("worker_id", m.workerId());
        string(g, "reattach_token", m.reattachToken());
      }
      case Message.Reattach m -> {
        g.writeStringField("previous_worker_id", m.previousWorkerId());
        string(g, "reattach_token", m.reattachToken());
      }
      case Message.Ping m -> {}
      case Message.Pong m -> {}
      case Message.RegisterService m -> {
        g.writeStringField("id", m.id());
        string(g, "name", m.name());
        string(g, "description", m.description());
        string(g, "parent_service_id", m.parentServiceId());
      }
      case Message.ErrorFrame m -> error(g, m.error());
      case Message.Unknown m -> throw new IllegalArgumentException("unknown message " + m.type());
    }
  }

  /**
   * A payload: a tree is written node by node; raw text is copied. Into a byte stream the copy goes
   * past the generator's buffer (flushed first) straight to the stream.
   */
  private static void payload(
      JsonGenerator g, @Nullable Payload payload, @Nullable OutputStream out) throws IOException {
    if (payload == null) {
      g.writeNull();
    } else if (!payload.isRaw()) {
      node(g, payload.tree());
    } else if (out == null) {
      g.writeRawValue(payload.rawText());
    } else {
      g.writeRawValue(""); // the separator, and the generator's state: a value was written
      g.flush();
      payload.writeRaw(out);
    }
  }

  private static void string(JsonGenerator g, String name, @Nullable String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void tree(JsonGenerator g, String name, @Nullable JsonNode value)
      throws IOException {
    if (value != null) {
      g.writeFieldName(name);
      node(g, value);
    }
  }

  private static void error(JsonGenerator g, @Nullable ErrorBody error) throws IOException {
    if (error != null) {
      g.writeObjectFieldStart("error");
      g.writeStringField("code", error.code());
      g.writeStringField("message", error.message());
      string(g, "stacktrace", error.stacktrace());
      g.writeEndObject();
    }
  }

  private static void node(JsonGenerator g, @Nullable JsonNode node) throws IOException {
    if (node == null) {
      g.writeNull();
    } else {
      Json.mapper().writeTree(g, node);
    }
  }
}
