package dev.iii4j.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

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
  private volatile @Nullable JsonNode tree;

  private Payload(
      byte @Nullable [] raw, int offset, int length, byte[] suffix, @Nullable JsonNode tree) {
    this.raw = raw;
    this.offset = offset;
    this.length = length;
    this.suffix = suffix;
    this.tree = tree;
  }

  /** A payload from a tree; null for null. */
  public static @Nullable Payload of(@Nullable JsonNode tree) {
    return tree == null ? null : new Payload(null, 0, 0, NO_SUFFIX, tree);
  }

  /**
   * A payload over {@code length} bytes of {@code utf8} from {@code offset}: one complete, valid
   * JSON value (the caller has checked it), parsed on demand. The array is not copied and must not
   * change afterwards.
   */
  public static Payload raw(byte[] utf8, int offset, int length) {
    return new Payload(utf8, offset, length, NO_SUFFIX, null);
  }

  /**
   * A payload over the UTF-8 text of one complete, valid JSON value the caller has written (for
   * example with another JSON library); written out as it is, parsed only when a tree is asked for.
   * The array is not copied and must not change afterwards.
   */
  public static Payload raw(byte[] utf8) {
    return raw(utf8, 0, utf8.length);
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
    return new Payload(raw, offset, close - offset, tail, null);
  }

  private Payload withFieldInTree(String name, String value) {
    ObjectNode copy = ((ObjectNode) tree()).deepCopy();
    copy.put(name, value);
    return new Payload(null, 0, 0, NO_SUFFIX, copy);
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

  /** The length of the raw text in bytes; only for {@link #isRaw()} payloads. */
  int rawLength() {
    return length + suffix.length;
  }

  /** The raw text as a string; only for {@link #isRaw()} payloads. */
  public String rawText() {
    return new String(rawBytes(), StandardCharsets.UTF_8);
  }

  /**
   * The JSON text as UTF-8 bytes: a copy of the raw text, or the tree written out. For handing a
   * payload to another JSON library, a database or a topic without building a tree.
   */
  public byte[] utf8() {
    return raw != null ? rawBytes() : Json.write(tree());
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
    if (raw == null) {
      throw new IllegalStateException("payload without tree or text");
    }
    try {
      return Json.read(raw, offset, length, suffix);
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
    return raw != null ? rawText() : new String(Json.write(tree()), StandardCharsets.UTF_8);
  }
}
