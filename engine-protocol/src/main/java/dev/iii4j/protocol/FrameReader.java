package dev.iii4j.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code invokefunction} and {@code invocationresult} frames with Jackson's streaming parser,
 * in one pass and without building a tree of the payload: {@code data} and {@code result} become
 * {@link Payload}s over the frame's own bytes, checked for syntax while skipped. Other frames are
 * left to the tree-based path of {@link MessageCodec}.
 */
final class FrameReader {
  private static final JsonFactory FACTORY = Json.FACTORY;

  private FrameReader() {}

  /**
   * The invocation or result in the frame, or null when the frame is of another type.
   *
   * @throws ProtocolException when the frame is not a JSON object with a string {@code type}, or an
   *     invocation or result does not fit its record
   */
  static @Nullable Message read(byte[] utf8, int offset, int length) {
    Fields f = new Fields();
    try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ProtocolException("frame is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("type")) {
          if (value != JsonToken.VALUE_STRING) {
            throw new ProtocolException("frame has no string `type`");
          }
          f.type = p.getText();
          if (!f.type.equals("invokefunction") && !f.type.equals("invocationresult")) {
            return null;
          }
          continue;
        }
        switch (name) {
          case "invocation_id" -> f.invocationId = string(p, name);
          case "function_id" -> f.functionId = string(p, name);
          case "traceparent" -> f.traceparent = string(p, name);
          case "baggage" -> f.baggage = string(p, name);
          case "data" -> f.data = payload(p, utf8, offset);
          case "result" -> f.result = payload(p, utf8, offset);
          case "metadata" -> f.metadata = tree(p, utf8, offset);
          case "action" -> f.action = action(p);
          case "error" -> f.error = error(p);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ProtocolException("frame is not a JSON object");
      }
    } catch (ProtocolException | IllegalArgumentException e) {
      if (f.type == null || e.getMessage().startsWith("frame")) {
        throw e instanceof ProtocolException pe ? pe : new ProtocolException(e.getMessage(), e);
      }
      throw new ProtocolException("invalid " + f.type + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ProtocolException("invalid JSON: " + e.getMessage(), e);
    }
    if (f.type == null) {
      throw new ProtocolException("frame has no string `type`");
    }
    try {
      if (f.type.equals("invokefunction")) {
        return new Message.InvokeFunction(
            f.invocationId,
            f.functionId,
            f.data == null || f.data.isNull() ? null : f.data,
            f.traceparent,
            f.baggage,
            f.action,
            f.metadata);
      }
      return new Message.InvocationResult(
          f.invocationId, f.functionId, f.result, f.error, f.traceparent, f.baggage);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("invalid " + f.type + ": " + e.getMessage(), e);
    }
  }

  private static final class Fields {
    @Nullable String type;
    @Nullable String invocationId;
    @Nullable String functionId;
    @Nullable String traceparent;
    @Nullable String baggage;
    @Nullable Payload data;
    @Nullable Payload result;
    @Nullable JsonNode metadata;
    @Nullable TriggerAction action;
    @Nullable ErrorBody error;
  }

  private static @Nullable String string(JsonParser p, String name) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> null;
      default -> throw new ProtocolException("`" + name + "` is not a string");
    };
  }

  /**
   * The value at the parser as a payload over the frame's bytes; the parser ends on its last token.
   */
  private static Payload payload(JsonParser p, byte[] utf8, int offset) throws IOException {
    int start = offset + (int) p.currentTokenLocation().getByteOffset();
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
      int end = offset + (int) p.currentLocation().getByteOffset();
      return Payload.raw(utf8, start, end - start);
    }
    // A scalar: its text ends before the next separator, which the next token shows.
    p.finishToken();
    int end = offset + (int) p.currentLocation().getByteOffset();
    while (end > start && !endsScalar(utf8[end - 1], p.currentToken())) {
      end--;
    }
    return Payload.raw(utf8, start, end - start);
  }

  /** Whether {@code b} can be the last byte of a scalar of the given kind. */
  private static boolean endsScalar(byte b, JsonToken token) {
    return switch (token) {
      case VALUE_STRING -> b == '"';
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> b >= '0' && b <= '9';
      default -> b == 'e' || b == 'l'; // true, false, null
    };
  }

  private static @Nullable JsonNode tree(JsonParser p, byte[] utf8, int offset) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    Payload value = payload(p, utf8, offset);
    return value.tree();
  }

  private static @Nullable TriggerAction action(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new ProtocolException("`action` is not an object");
    }
    String type = null;
    String queue = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "type" -> type = string(p, "action.type");
        case "queue" -> queue = string(p, "action.queue");
        default -> p.skipChildren();
      }
    }
    if (type == null) {
      throw new ProtocolException("`action` has no type");
    }
    return switch (type) {
      case "void" -> new TriggerAction.Void();
      case "enqueue" -> new TriggerAction.Enqueue(queue);
      default -> throw new ProtocolException("unknown action type `" + type + "`");
    };
  }

  private static @Nullable ErrorBody error(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new ProtocolException("`error` is not an object");
    }
    String code = null;
    String message = null;
    String stacktrace = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "code" -> code = string(p, "error.code");
        case "message" -> message = string(p, "error.message");
        case "stacktrace" -> stacktrace = scalarText(p);
        default -> p.skipChildren();
      }
    }
    return new ErrorBody(code, message, stacktrace);
  }

  private static @Nullable String scalarText(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }
}
