package dev.iii4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written envelope of invocations and results is byte for byte what Jackson's generator
 * writes for the same message: every optional field present or absent, strings that need escaping
 * (quotes, backslashes, control characters, non-ASCII, surrogate pairs and a lone surrogate), tree
 * and raw payloads, actions, metadata and errors.
 */
class EnvelopeWriterTest {

  private final MessageCodec codec = new MessageCodec();

  private static final String[] STRINGS = {
    "plain-ascii_1",
    "",
    "q\"uote",
    "back\\slash",
    "tab\tnew\nline\r\b\f",
    "ctl\u0001\u001f",
    "del\u007f",
    "h\u00e9llo \u2603",
    "emoji \ud83d\ude00",
    "lone \ud800",
    "/slash/"
  };

  @Test
  void invocationsAreWrittenAsJacksonWritesThem() throws IOException {
    JsonNode tree = Json.parse("{\"n\":1,\"s\":\"h\u00e9\",\"a\":[1.50,null,true]}");
    Payload raw = ((Message.InvokeFunction) codec.decode(frame("{ \"x\" : 2.0 }"))).payload();
    List<Message> messages = new ArrayList<>();
    for (String s : STRINGS) {
      messages.add(new Message.InvokeFunction(s, s, Payload.of(tree), s, s, null, tree));
      messages.add(
          new Message.InvokeFunction(null, s, raw, null, null, new TriggerAction.Enqueue(s), null));
      messages.add(
          new Message.InvokeFunction(
              s,
              "f",
              raw.withStringField("_caller_worker_id", "w\"1"),
              null,
              null,
              new TriggerAction.Void(),
              null));
    }
    messages.add(new Message.InvokeFunction(null, "f", null, null, null, null, null));
    messages.add(
        new Message.InvokeFunction(
            "i", "f", Payload.of(Json.nodes().nullNode()), null, null, null, Json.parse("[]")));
    for (Message m : messages) {
      assertThat(written(m)).isEqualTo(generated(m));
    }
  }

  @Test
  void resultsAreWrittenAsJacksonWritesThem() throws IOException {
    JsonNode tree = Json.parse("[\"a\",{\"b\":-0.0}]");
    Payload raw =
        ((Message.InvocationResult)
                codec.decode(
                    "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\","
                        + "\"result\":\"\\u00e9\"}"))
            .value();
    List<Message> messages = new ArrayList<>();
    for (String s : STRINGS) {
      messages.add(new Message.InvocationResult(s, s, Payload.of(tree), null, s, s));
      messages.add(new Message.InvocationResult(s, s, raw, null, null, null));
      messages.add(new Message.InvocationResult("i", "f", null, new ErrorBody(s, s, s), s, null));
      messages.add(new Message.InvocationResult("i", "f", null, new ErrorBody(s, s), null, s));
    }
    messages.add(new Message.InvocationResult("i", "f", null, null, null, null));
    messages.add(
        new Message.InvocationResult(
            "i", "f", Payload.of(Json.nodes().nullNode()), null, null, null));
    for (Message m : messages) {
      assertThat(written(m)).isEqualTo(generated(m));
    }
  }

  @Test
  void theSizeHintCoversARawFrame() {
    var m = (Message.InvokeFunction) codec.decode(frame("{\"s\":\"" + "x".repeat(5000) + "\"}"));
    assertThat(codec.sizeHint(m)).isGreaterThanOrEqualTo(codec.encodeToBytes(m).length);
  }

  private static String frame(String data) {
    return "{\"type\":\"invokefunction\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"data\":"
        + data
        + "}";
  }

  private String written(Message m) {
    return new String(codec.encodeToBytes(m), StandardCharsets.UTF_8);
  }

  private static String generated(Message m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter.generated(m, out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
