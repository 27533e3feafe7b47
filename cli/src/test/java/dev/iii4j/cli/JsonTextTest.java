package dev.iii4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void prettyIndentsByTwoAndKeepsEmptyContainersShort() {
    JsonNode value =
        JsonText.parse("{\"a\":[1,2.5,{}],\"b\":{\"c\":null,\"d\":[]},\"e\":\"x\\\"y\"}");

    assertThat(JsonText.pretty(value))
        .isEqualTo(
            """
            {
              "a": [
                1,
                2.5,
                {}
              ],
              "b": {
                "c": null,
                "d": []
              },
              "e": "x\\"y"
            }""");
  }

  @Test
  void numbersKeepTheirForm() {
    assertThat(
            JsonText.compact(
                JsonText.parse(
                    "[1, 9007199254740993, 123456789012345678901234567890, 1.5e300, -0.25]")))
        .isEqualTo("[1,9007199254740993,123456789012345678901234567890,1.5E300,-0.25]");
  }

  @Test
  void scalarsAreValues() {
    assertThat(JsonText.parse("\"text\"").textValue()).isEqualTo("text");
    assertThat(JsonText.parse(" 42 ").numberValue().intValue()).isEqualTo(42);
    assertThat(JsonText.parse("null").isNull()).isTrue();
  }

  @Test
  void anythingButOneValueIsRejectedWithItsPosition() {
    assertThatThrownBy(() -> JsonText.parse("{\"a\":1} {\"b\":2}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the JSON value");
    assertThatThrownBy(() -> JsonText.parse("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> JsonText.parse("{\"a\":}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1, column 6");
  }
}
