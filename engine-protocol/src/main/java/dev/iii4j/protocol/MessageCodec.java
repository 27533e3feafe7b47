package dev.iii4j.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns frames into {@link Message}s and back.
 *
 * <p>Decoding reads the {@code type} tag first and then the record of that tag, so an unknown tag
 * becomes {@link Message.Unknown} instead of an error (version skew between SDK and engine is
 * normal: the Node SDK sends {@code unregistertriggertype}, which the reference does not know).
 * Encoding writes {@code type} first, then the record's fields; null optional fields are left out.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class MessageCodec {

  /** Frames read by data binding; invocations and results are read by {@link FrameReader}. */
  private static final Map<String, Class<? extends Message>> BY_TYPE =
      Map.ofEntries(
          Map.entry("registerfunction", Message.RegisterFunction.class),
          Map.entry("unregisterfunction", Message.UnregisterFunction.class),
          Map.entry("registertriggertype", Message.RegisterTriggerType.class),
          Map.entry("unregistertriggertype", Message.UnregisterTriggerType.class),
          Map.entry("registertrigger", Message.RegisterTrigger.class),
          Map.entry("triggerregistrationresult", Message.TriggerRegistrationResult.class),
          Map.entry("unregistertrigger", Message.UnregisterTrigger.class),
          Map.entry("workerregistered", Message.WorkerRegistered.class),
          Map.entry("reattach", Message.Reattach.class),
          Map.entry("ping", Message.Ping.class),
          Map.entry("pong", Message.Pong.class),
          Map.entry("registerservice", Message.RegisterService.class),
          Map.entry("error", Message.ErrorFrame.class));

  /** A codec; it holds no state of its own (the Jackson setup is {@link Json}'s). */
  public MessageCodec() {}

  /**
   * The wire tag of a message.
   *
   * @throws IllegalArgumentException for {@link Message.Unknown}, which cannot be sent
   */
  public static String typeOf(Message message) {
    return switch (message) {
      case Message.RegisterFunction m -> "registerfunction";
      case Message.UnregisterFunction m -> "unregisterfunction";
      case Message.InvokeFunction m -> "invokefunction";
      case Message.InvocationResult m -> "invocationresult";
      case Message.RegisterTriggerType m -> "registertriggertype";
      case Message.UnregisterTriggerType m -> "unregistertriggertype";
      case Message.RegisterTrigger m -> "registertrigger";
      case Message.TriggerRegistrationResult m -> "triggerregistrationresult";
      case Message.UnregisterTrigger m -> "unregistertrigger";
      case Message.WorkerRegistered m -> "workerregistered";
      case Message.Reattach m -> "reattach";
      case Message.Ping m -> "ping";
      case Message.Pong m -> "pong";
      case Message.RegisterService m -> "registerservice";
      case Message.ErrorFrame m -> "error";
      case Message.Unknown m -> throw new IllegalArgumentException("unknown message " + m.type());
    };
  }

  /**
   * Decodes one frame.
   *
   * @return the message, or {@link Message.Unknown} for a tag this engine does not know
   * @throws ProtocolException when the text is not a JSON object with a string {@code type}, or the
   *     fields do not fit the message of that type
   */
  public Message decode(String text) {
    return decode(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes one frame from UTF-8 bytes; see {@link #decode(String)}. */
  public Message decode(byte[] utf8) {
    return decode(utf8, 0, utf8.length);
  }

  /**
   * Decodes one frame from {@code length} UTF-8 bytes of {@code utf8} from {@code offset}; see
   * {@link #decode(String)}. The payloads of {@code invokefunction} and {@code invocationresult}
   * keep their bytes (the array is not copied and must not change afterwards) and are parsed only
   * when asked for.
   */
  public Message decode(byte[] utf8, int offset, int length) {
    Message hot = FrameReader.read(utf8, offset, length);
    return hot != null ? hot : decodeTree(utf8, offset, length);
  }

  private Message decodeTree(byte[] utf8, int offset, int length) {
    JsonNode tree;
    try {
      tree = Json.mapper().readTree(utf8, offset, length);
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("invalid JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ProtocolException("frame is not a JSON object");
    }
    JsonNode type = tree.get("type");
    if (type == null || !type.isTextual()) {
      throw new ProtocolException("frame has no string `type`");
    }
    Class<? extends Message> target = BY_TYPE.get(type.textValue());
    if (target == null) {
      return new Message.Unknown(type.textValue());
    }
    try {
      Message message = Json.mapper().treeToValue(tree, target);
      if (message == null) {
        throw new ProtocolException("empty " + type.textValue());
      }
      return message;
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("invalid " + type.textValue() + ": " + rootMessage(e), e);
    }
  }

  /** Encodes a message as the JSON text of one frame, {@code type} first, in one pass. */
  public String encode(Message message) {
    try {
      return FrameWriter.writeText(message);
    } catch (RuntimeException e) {
      throw new ProtocolException("cannot encode " + typeOf(message) + ": " + rootMessage(e), e);
    }
  }

  /** Encodes a message as UTF-8 JSON bytes, {@code type} first. */
  public byte[] encodeToBytes(Message message) {
    try {
      return FrameWriter.write(message);
    } catch (RuntimeException e) {
      throw new ProtocolException("cannot encode " + typeOf(message) + ": " + rootMessage(e), e);
    }
  }

  /**
   * Encodes a message as UTF-8 JSON straight into {@code out} (a socket buffer), {@code type}
   * first; raw payloads are copied, not re-encoded.
   *
   * @throws ProtocolException when the message cannot be encoded; {@code out} may then hold part of
   *     the frame
   */
  public void encodeTo(Message message, OutputStream out) {
    try {
      FrameWriter.write(message, out);
    } catch (RuntimeException e) {
      throw new ProtocolException("cannot encode " + typeOf(message) + ": " + rootMessage(e), e);
    }
  }

  /**
   * About how many bytes {@link #encodeTo} writes for {@code message}: a little more for an
   * invocation or a result with a raw payload and ASCII strings, a guess otherwise; for sizing a
   * socket buffer so it need not grow while the frame is written.
   */
  public int sizeHint(Message message) {
    return EnvelopeWriter.sizeHint(message);
  }

  /** Reads a JSON value into a tree; for payloads the engine builds from text. */
  public JsonNode parseTree(String json) {
    return Json.parse(json);
  }

  /** Writes a tree as compact JSON text; null is written as {@code null}. */
  public String writeJson(@Nullable JsonNode value) {
    return Json.text(value);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
