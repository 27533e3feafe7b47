package dev.iii4j.gateway.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation of a whole message (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), the check RFC 6455 asks of text frames. Runs of ASCII, which is nearly all of a
 * JSON frame, are skipped eight bytes at a time; Netty's validator walks every byte through a state
 * machine behind a callback, which cost a third of the gateway's CPU on 1 MiB frames.
 */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** Whether {@code bytes[offset, offset + length)} is well-formed UTF-8. */
  static boolean isValid(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      while (i + Long.BYTES <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
        i += Long.BYTES;
      }
      if (i >= end) {
        return true;
      }
      int lead = bytes[i];
      if (lead >= 0) {
        i++;
        continue;
      }
      int more;
      int codePoint;
      int smallest;
      if ((lead & 0xE0) == 0xC0) {
        more = 1;
        codePoint = lead & 0x1F;
        smallest = 0x80;
      } else if ((lead & 0xF0) == 0xE0) {
        more = 2;
        codePoint = lead & 0x0F;
        smallest = 0x800;
      } else if ((lead & 0xF8) == 0xF0) {
        more = 3;
        codePoint = lead & 0x07;
        smallest = 0x10000;
      } else {
        return false; // a continuation byte without a lead, or 0xF8-0xFF
      }
      if (i + more >= end) {
        return false; // cut short
      }
      for (int k = 1; k <= more; k++) {
        int next = bytes[i + k];
        if ((next & 0xC0) != 0x80) {
          return false;
        }
        codePoint = (codePoint << 6) | (next & 0x3F);
      }
      if (codePoint < smallest
          || codePoint > 0x10FFFF
          || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
        return false;
      }
      i += more + 1;
    }
    return true;
  }
}
