package dev.iii4j.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void integersInTheI64AndU64RangeStayIntegers() {
    assertThat(JsonText.number(JsonText.parse("5"))).isEqualTo(5L);
    assertThat(JsonText.number(JsonText.parse("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
    assertThat(JsonText.number(JsonText.parse("18446744073709551615")))
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(JsonText.write(JsonText.parse("18446744073709551615")))
        .isEqualTo("18446744073709551615");
  }

  @Test
  void everythingElseIsADouble() {
    assertThat(JsonText.number(JsonText.parse("18446744073709551616"))).isInstanceOf(Double.class);
    assertThat(JsonText.write(JsonText.parse("2.0"))).isEqualTo("2.0");
    assertThat(JsonText.write(JsonText.parse("1.5e300"))).isEqualTo("1.5E300");
    // jsonb prints 1e300 as 301 digits: it reads back as the same double.
    assertThat(JsonText.number(JsonText.parse("1" + "0".repeat(300)))).isEqualTo(1e300);
  }

  @Test
  void roundTripsStructures() {
    String json = "{\"a\":[1,2.5,\"x\",null,true,{\"b\":{}}],\"\":\"\"}";
    assertThat(JsonText.write(JsonText.parse(json))).isEqualTo(json);
    assertThat(JsonText.write(JsonNode.nullNode())).isEqualTo("null");
    assertThatThrownBy(() -> JsonText.parse("{")).isInstanceOf(IllegalArgumentException.class);
  }
}
