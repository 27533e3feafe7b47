package dev.iii4j.protocol;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Payloads of invocations and results are kept as the bytes they came in and written out again byte
 * for byte: unicode escapes, big integers, {@code 2.0} against {@code 2}, exponent forms, deep
 * nesting and large payloads survive a decode and an encode exactly.
 */
class PayloadPassThroughTest {

  private final MessageCodec codec = new MessageCodec();

  private static final String ODD =
      "{ \"big\" : 123456789012345678901234567890, \"f\":2.0,\"e\":1E+2, \"esc\":\"\\u00e9\\n\\\"\","
          + " \"raw\":\"h\u00e9llo \u2603 \ud83d\ude00\", \"arr\" : [ 1 , -0.0 , null ],\"o\":{} }";

  private String invocation(String data) {
    return "{\"type\":\"invokefunction\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"data\":"
        + data
        + ",\"traceparent\":\"t\"}";
  }

  @Test
  void invocationPayloadsAreWrittenAsTheyCameIn() {
    var m = (Message.InvokeFunction) codec.decode(invocation(ODD));
    assertThat(m.payload().isRaw()).isTrue();
    assertThat(codec.encode(m)).contains("\"data\":" + ODD + ",");
    assertThat(new String(codec.encodeToBytes(m), StandardCharsets.UTF_8))
        .contains("\"data\":" + ODD + ",");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encodeTo(m, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(codec.encode(m));
    assertThat(m.data().get("big").numberValue().toString())
        .isEqualTo("123456789012345678901234567890");
  }

  @Test
  void resultPayloadsAreWrittenAsTheyCameIn() {
    String frame =
        "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"result\":"
            + ODD
            + "}";
    var r = (Message.InvocationResult) codec.decode(frame);
    assertThat(codec.encode(r)).contains("\"result\":" + ODD);
  }

  @Test
  void scalarPayloadsKeepTheirText() {
    for (String scalar : new String[] {"7", "2.0", "-1.5e-7", "\"a\\u0041\"", "true", "false"}) {
      var m = (Message.InvokeFunction) codec.decode(invocation(scalar));
      assertThat(codec.encode(m)).contains("\"data\":" + scalar + ",");
      var spaced = (Message.InvokeFunction) codec.decode(invocation(" " + scalar + " "));
      assertThat(codec.encode(spaced)).contains("\"data\":" + scalar + ",");
    }
    var last =
        (Message.InvocationResult)
            codec.decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"result\":12}");
    assertThat(codec.encode(last)).endsWith("\"result\":12}");
  }

  @Test
  void aFieldIsAddedToARawObjectWithoutReencodingTheRest() {
    var m = (Message.InvokeFunction) codec.decode(invocation(ODD));
    Payload with = m.payload().withStringField("_caller_worker_id", "w-1");
    assertThat(with.isRaw()).isTrue();
    assertThat(with.toString())
        .isEqualTo(ODD.substring(0, ODD.lastIndexOf('}')) + ",\"_caller_worker_id\":\"w-1\"}");
    assertThat(with.tree().get("_caller_worker_id").textValue()).isEqualTo("w-1");
    var empty = (Message.InvokeFunction) codec.decode(invocation("{ }"));
    assertThat(empty.payload().withStringField("k", "v").toString()).isEqualTo("{ \"k\":\"v\"}");
  }

  @Test
  void aFieldThatIsAlreadyThereIsReplacedOnce() {
    var m =
        (Message.InvokeFunction)
            codec.decode(invocation("{\"_caller_worker_id\":\"forged\",\"n\":{\"x\":1}}"));
    Payload with = m.payload().withStringField("_caller_worker_id", "w-1");
    assertThatJson(codec.encode(new Message.InvokeFunction("i", "f", with.tree())))
        .inPath("data")
        .isEqualTo("{\"_caller_worker_id\":\"w-1\",\"n\":{\"x\":1}}");
  }

  @Test
  void deepAndLargePayloadsPassThrough() {
    String deep = "[".repeat(300) + "{\"leaf\":1.50}" + "]".repeat(300);
    var m = (Message.InvokeFunction) codec.decode(invocation(deep));
    assertThat(codec.encode(m)).contains("\"data\":" + deep + ",");

    String big = "{\"s\":\"" + "\u00e9x".repeat(22 * 1024 * 1024) + "\"}"; // 66 MiB of UTF-8
    byte[] frame = invocation(big).getBytes(StandardCharsets.UTF_8);
    var large = (Message.InvokeFunction) codec.decode(frame);
    ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length);
    codec.encodeTo(large, out);
    assertThat(out.toByteArray()).isEqualTo(frame);
  }

  @Test
  void nullAndAbsentPayloadsStayApart() {
    var none = (Message.InvokeFunction) codec.decode(invocation("null"));
    assertThat(none.payload()).isNull();
    var nullResult =
        (Message.InvocationResult)
            codec.decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"result\":null}");
    assertThat(nullResult.nullResult()).isTrue();
    assertThat(codec.encode(nullResult)).contains("\"result\":null");
    assertThat(codec.encode(nullResult.withoutNullResult())).doesNotContain("\"result\"");
  }
}
