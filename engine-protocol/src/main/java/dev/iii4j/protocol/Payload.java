package dev.iii4j.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The payload of an invocation or a result: a JSON value held as a tree, or as the exact UTF-8 text
 * it arrived as.
 *
 * <p>A decoded payload keeps its bytes (a slice of the frame) and is parsed into a tree only when
 * somebody asks for {@link #tree()}, so a frame whose payload is only routed is written out again
 * byte for byte, never re-encoded: numbers, escapes and nesting stay exactly as the sender wrote
 * them. Immutable; thread-safe.
 */
public final class Payload {
  private static final byte[] NO_SUFFIX = new byte[0];

  private final byte @Nullable [] raw;
  private final int offset;
  private final int length;
  private final byte[] suffix;
  private final @Nullable ObjectMapper mapper;
  private volatile @Nullable JsonNode tree;

  private Payload(
      byte @Nullable [] raw,
      int offset,
      int length,
      byte[] suffix,
      @Nullable ObjectMapper mapper,
      @Nullable JsonNode tree) {
    this.raw = raw;
    this.offset = offset;
    this.length = length;
    this.suffix = suffix;
    this.mapper = mapper;
    this.tree = tree;
  }

  /** A payload from a tree; null for null. */
  public static @Nullable Payload of(@Nullable JsonNode tree) {
    return tree == null ? null : new Payload(null, 0, 0, NO_SUFFIX, null, tree);
  }

  /**
   * A payload over {@code length} bytes of {@code utf8} from {@code offset}: one complete, valid
   * JSON value (the caller has checked it), parsed with {@code mapper} on demand. The array is not
   * copied and must not change afterwards.
   */
  public static Payload raw(byte[] utf8, int offset, int length, ObjectMapper mapper) {
    return new Payload(utf8, offset, length, NO_SUFFIX, mapper, null);
  }

  /** The tree of a nullable payload; null for null. */
  public static @Nullable JsonNode treeOf(@Nullable Payload payload) {
    return payload == null ? null : payload.tree();
  }

  /** Whether this payload still holds the text it arrived as (written out without re-encoding). */
  public boolean isRaw() {
    return raw != null;
  }

  /** The value as a tree, parsed on first use. */
  public JsonNode tree() {
    JsonNode t = tree;
    if (t == null) {
      t = parse();
      tree = t;
    }
    return t;
  }

  /** Whether the value is a JSON object; does not parse a raw payload. */
  public boolean isObject() {
    return raw == null ? tree().isObject() : firstByte() == '{';
  }

  /** Whether the value is JSON {@code null}; does not parse a raw payload. */
  public boolean isNull() {
    return raw == null ? tree().isNull() : firstByte() == 'n';
  }

  /**
   * This object with a string field added, replacing a field of the same name. A raw payload gets
   * the field appended before its closing brace without re-encoding the rest; only when the name
   * already occurs in its text is it parsed and rebuilt.
   *
   * @throws IllegalStateException when this is not an object
   */
  public Payload withStringField(String name, String value) {
    if (!isObject()) {
      throw new IllegalStateException("not a JSON object");
    }
    byte[] quotedName = quoted(name);
    if (raw == null || suffix.length > 0 || contains(raw, offset, length, quotedName)) {
      return withFieldInTree(name, value);
    }
    int close = lastNonWhitespace();
    boolean empty = onlyWhitespaceBetween(offset + 1, close);
    byte[] quotedValue = quoted(value);
    byte[] tail = new byte[(empty ? 0 : 1) + quotedName.length + 1 + quotedValue.length + 1];
    int at = 0;
    if (!empty) {
      tail[at++] = ',';
    }
    System.arraycopy(quotedName, 0, tail, at, quotedName.length);
    at += quotedName.length;
    tail[at++] = ':';
    System.arraycopy(quotedValue, 0, tail, at, quotedValue.length);
    at += quotedValue.length;
    tail[at] = '}';
    return new Payload(raw, offset, close - offset, tail, mapper, null);
  }

  private Payload withFieldInTree(String name, String value) {
    JsonNode object = tree();
    java.util.LinkedHashMap<String, JsonNode> fields = new java.util.LinkedHashMap<>();
    for (var entry : object.entries()) {
      fields.put(entry.getKey(), entry.getValue());
    }
    fields.put(name, JsonNode.createStringNode(value));
    return new Payload(null, 0, 0, NO_SUFFIX, null, JsonNode.createObjectNode(fields));
  }

  /** Writes the raw text to {@code out}; only for {@link #isRaw()} payloads. */
  void writeRaw(OutputStream out) throws IOException {
    if (raw == null) {
      throw new IllegalStateException("not a raw payload");
    }
    out.write(raw, offset, length);
    if (suffix.length > 0) {
      out.write(suffix);
    }
  }

  /** The raw text as a string; only for {@link #isRaw()} payloads. */
  String rawText() {
    return new String(rawBytes(), StandardCharsets.UTF_8);
  }

  private byte[] rawBytes() {
    if (raw == null) {
      throw new IllegalStateException("not a raw payload");
    }
    byte[] bytes = Arrays.copyOfRange(raw, offset, offset + length + suffix.length);
    System.arraycopy(suffix, 0, bytes, length, suffix.length);
    return bytes;
  }

  private JsonNode parse() {
    if (raw == null || mapper == null) {
      throw new IllegalStateException("payload without tree or text");
    }
    try {
      JsonNode parsed = mapper.readValue(rawBytes(), JsonNode.class);
      return parsed == null ? JsonNode.nullNode() : parsed;
    } catch (IOException e) {
      throw new ProtocolException("invalid JSON payload: " + e.getMessage(), e);
    }
  }

  private byte firstByte() {
    for (int i = offset; i < offset + length; i++) {
      if (!whitespace(raw[i])) {
        return raw[i];
      }
    }
    return 0;
  }

  private int lastNonWhitespace() {
    int i = offset + length - 1;
    while (i > offset && whitespace(raw[i])) {
      i--;
    }
    return i;
  }

  private boolean onlyWhitespaceBetween(int from, int to) {
    int start = from;
    while (start < to && whitespace(raw[start])) {
      start++;
    }
    return start == to;
  }

  private static boolean whitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static byte[] quoted(String text) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] out = new byte[escaped.length + 2];
    out[0] = '"';
    System.arraycopy(escaped, 0, out, 1, escaped.length);
    out[out.length - 1] = '"';
    return out;
  }

  private static boolean contains(byte[] hay, int from, int length, byte[] needle) {
    int last = from + length - needle.length;
    byte first = needle[0];
    outer:
    for (int i = from; i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Equal when the values are equal as trees. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Payload other && tree().equals(other.tree());
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    return raw != null ? rawText() : tree().toString();
  }
}
