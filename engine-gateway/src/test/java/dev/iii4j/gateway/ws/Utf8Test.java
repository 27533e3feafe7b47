package dev.iii4j.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void wellFormedTextOfEveryLengthIsValid() {
    String text = "{\"s\":\"plain ascii, caf\u00e9, \u20ac, \uD83D\uDE00, \u0800\uFFFD\u007F\"}";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isValid(bytes, 0, bytes.length)).isTrue();
    assertThat(Utf8.isValid(new byte[0], 0, 0)).isTrue();
    // Every ASCII run length around the eight-byte stride, with a character at its end.
    for (int n = 0; n < 40; n++) {
      byte[] b = ("x".repeat(n) + "\u00e9").getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8.isValid(b, 0, b.length)).as("run %d", n).isTrue();
    }
  }

  @Test
  void malformedSequencesAreRefused() {
    int[][] bad = {
      {0x80}, // continuation without a lead
      {0xC3}, // cut short
      {0xE2, 0x82}, // cut short
      {0xC3, 0x28}, // lead without continuation
      {0xC0, 0xAF}, // overlong '/'
      {0xE0, 0x80, 0xAF}, // overlong '/'
      {0xF0, 0x80, 0x80, 0xAF}, // overlong '/'
      {0xED, 0xA0, 0x80}, // a UTF-16 surrogate
      {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
      {0xF8, 0x88, 0x80, 0x80, 0x80}, // five-byte form
      {0xFF},
    };
    for (int[] sequence : bad) {
      byte[] b = new byte[sequence.length + 20];
      java.util.Arrays.fill(b, (byte) 'a');
      for (int i = 0; i < sequence.length; i++) {
        b[9 + i] = (byte) sequence[i];
      }
      assertThat(Utf8.isValid(b, 0, b.length))
          .as("%s", java.util.Arrays.toString(sequence))
          .isFalse();
      // The same sequence at the very end of the range.
      assertThat(Utf8.isValid(b, 0, 9 + sequence.length))
          .as("%s at the end", java.util.Arrays.toString(sequence))
          .isFalse();
    }
  }

  @Test
  void onlyTheGivenRangeIsChecked() {
    byte[] b = {(byte) 0xFF, 'a', 'b', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
    assertThat(Utf8.isValid(b, 1, 4)).isTrue();
    assertThat(Utf8.isValid(b, 1, 3)).isFalse();
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(20261207);
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        // Mostly ASCII, some lead and continuation bytes, as frames look.
        int kind = random.nextInt(10);
        b[i] =
            (byte)
                (kind < 5
                    ? random.nextInt(0x80)
                    : kind < 8 ? 0x80 + random.nextInt(0x40) : 0xC0 + random.nextInt(0x40));
      }
      assertThat(Utf8.isValid(b, 0, b.length))
          .as("%s", java.util.HexFormat.of().formatHex(b))
          .isEqualTo(jdkAccepts(b));
    }
  }

  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
