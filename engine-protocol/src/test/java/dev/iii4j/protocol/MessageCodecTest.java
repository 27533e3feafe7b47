package dev.iii4j.protocol;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden tests: the JSON of every message, both ways, as spec/protocol.md section 2 pins it. */
class MessageCodecTest {

  private final MessageCodec codec = new MessageCodec();

  private Message roundTrip(String json) {
    Message decoded = codec.decode(json);
    assertThatJson(codec.encode(decoded)).isEqualTo(json);
    return decoded;
  }

  @Test
  void registerFunctionWithAllFields() {
    var m =
        (Message.RegisterFunction)
            roundTrip(
                """
                {"type":"registerfunction","id":"greeter::hello","description":"Greets a user",
                 "request_format":{"type":"object"},"response_format":{"type":"string"},
                 "metadata":{"public":true},
                 "invocation":{"url":"https://fn.example.com/hook","method":"POST"}}
                """);
    assertThat(m.id()).isEqualTo("greeter::hello");
    assertThat(m.description()).isEqualTo("Greets a user");
    assertThat(m.metadata().get("public").booleanValue()).isTrue();
    assertThat(m.invocation().get("url").textValue()).isEqualTo("https://fn.example.com/hook");
  }

  @Test
  void registerFunctionOmitsAbsentOptionalFields() {
    assertThatJson(codec.encode(new Message.RegisterFunction("a::b")))
        .isEqualTo("{\"type\":\"registerfunction\",\"id\":\"a::b\"}");
    var m = (Message.RegisterFunction) codec.decode("{\"type\":\"registerfunction\",\"id\":\"x\"}");
    assertThat(m.description()).isNull();
    assertThat(m.metadata()).isNull();
    assertThat(m.invocation()).isNull();
  }

  @Test
  void unregisterFunction() {
    var m =
        (Message.UnregisterFunction) roundTrip("{\"type\":\"unregisterfunction\",\"id\":\"a\"}");
    assertThat(m.id()).isEqualTo("a");
  }

  @Test
  void invokeFunctionSynchronousWithTraceAndMetadata() {
    var m =
        (Message.InvokeFunction)
            roundTrip(
                """
                {"type":"invokefunction","invocation_id":"0d6c3f4e-6f1a-4a55-9a57-3d3c1f8a9b10",
                 "function_id":"greeter::hello","data":{"name":"Ada"},
                 "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                 "baggage":"iii.session.id=s-1","metadata":{"tenant":"t1"}}
                """);
    assertThat(m.invocationId()).isEqualTo("0d6c3f4e-6f1a-4a55-9a57-3d3c1f8a9b10");
    assertThat(m.action()).isNull();
    assertThat(m.metadata().get("tenant").textValue()).isEqualTo("t1");
  }

  @Test
  void invokeFunctionVoidAndEnqueueActions() {
    var v =
        (Message.InvokeFunction)
            roundTrip(
                """
                {"type":"invokefunction","function_id":"audit::log","data":{"event":"login"},
                 "action":{"type":"void"}}
                """);
    assertThat(v.action()).isInstanceOf(TriggerAction.Void.class);
    assertThat(v.invocationId()).isNull();
    var e =
        (Message.InvokeFunction)
            roundTrip(
                """
                {"type":"invokefunction","invocation_id":"7e0b6b0e-2a55-4a8e-9a3f-1f7c0e2b1c11",
                 "function_id":"payments::charge","data":{"orderId":"123"},
                 "action":{"type":"enqueue","queue":"payment"}}
                """);
    assertThat(e.action()).isEqualTo(new TriggerAction.Enqueue("payment"));
  }

  @Test
  void invokeFunctionAlwaysWritesDataEvenWhenNull() {
    var m = new Message.InvokeFunction("id-1", "f", null);
    assertThatJson(codec.encode(m))
        .isEqualTo(
            "{\"type\":\"invokefunction\",\"invocation_id\":\"id-1\",\"function_id\":\"f\",\"data\":null}");
  }

  @Test
  void invokeFunctionWithoutDataDecodesAsNullData() {
    var m =
        (Message.InvokeFunction)
            codec.decode(
                "{\"type\":\"invokefunction\",\"function_id\":\"f\",\"invocation_id\":null}");
    assertThat(m.data()).isNull();
    assertThat(m.invocationId()).isNull();
  }

  @Test
  void invokeFunctionWithUnknownActionIsRejected() {
    assertThatThrownBy(
            () ->
                codec.decode(
                    "{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":1,\"action\":{\"type\":\"later\"}}"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("invokefunction");
  }

  @Test
  void invocationResultSuccessEmptyAndFailure() {
    var ok =
        (Message.InvocationResult)
            roundTrip(
                """
                {"type":"invocationresult","invocation_id":"i","function_id":"greeter::hello",
                 "result":{"message":"Hello, Ada!"},"traceparent":"00-a-b-01"}
                """);
    assertThat(ok.result().get("message").textValue()).isEqualTo("Hello, Ada!");
    var empty =
        (Message.InvocationResult)
            roundTrip(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"state::get\"}");
    assertThat(empty.result()).isNull();
    var failed =
        (Message.InvocationResult)
            roundTrip(
                """
                {"type":"invocationresult","invocation_id":"i","function_id":"greeter::hello",
                 "error":{"code":"invocation_failed","message":"boom","stacktrace":"Error: boom"},
                 "traceparent":"00-a-b-01","baggage":"k=v"}
                """);
    assertThat(failed.error()).isEqualTo(new ErrorBody("invocation_failed", "boom", "Error: boom"));
  }

  @Test
  void invocationResultKeepsAnExplicitNullApartFromNoResultAndErrorWins() {
    var nullResult =
        (Message.InvocationResult)
            codec.decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"result\":null}");
    assertThat(nullResult.nullResult()).isTrue();
    assertThatJson(codec.encode(nullResult)).isObject().containsEntry("result", null);
    assertThat(nullResult.withoutNullResult().result()).isNull();
    assertThatJson(codec.encode(nullResult.withoutNullResult()))
        .isObject()
        .doesNotContainKey("result");
    var absent =
        (Message.InvocationResult)
            codec.decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\"}");
    assertThat(absent.result()).isNull();
    assertThat(absent.nullResult()).isFalse();
    var both =
        (Message.InvocationResult)
            codec.decode(
                """
                {"type":"invocationresult","invocation_id":"i","function_id":"f","result":1,
                 "error":{"code":"c","message":"m"}}
                """);
    assertThat(both.result()).isNull();
    assertThat(both.error().code()).isEqualTo("c");
  }

  @Test
  void errorBodyNeverWritesNullStacktrace() {
    var m =
        Message.InvocationResult.failure(
            "i", "f", ErrorCode.FUNCTION_NOT_FOUND.body("Function f not found"));
    assertThatJson(codec.encode(m))
        .isEqualTo(
            """
            {"type":"invocationresult","invocation_id":"i","function_id":"f",
             "error":{"code":"function_not_found","message":"Function f not found"}}
            """);
  }

  @Test
  void registerTriggerTypeDefaultsDescription() {
    roundTrip(
        """
        {"type":"registertriggertype","id":"webhook","description":"Inbound webhooks",
         "trigger_request_format":{"type":"object"},"call_request_format":{"type":"object"}}
        """);
    var m =
        (Message.RegisterTriggerType)
            codec.decode("{\"type\":\"registertriggertype\",\"id\":\"t\"}");
    assertThat(m.description()).isEmpty();
  }

  @Test
  void unregisterTriggerTypeAsSentByNodeAndRust() {
    var m =
        (Message.UnregisterTriggerType)
            codec.decode(
                "{\"type\":\"unregistertriggertype\",\"id\":\"webhook\",\"description\":\"Inbound webhooks\"}");
    assertThat(m.id()).isEqualTo("webhook");
  }

  @Test
  void registerTriggerIgnoresNodeMessageTypeField() {
    var m =
        (Message.RegisterTrigger)
            codec.decode(
                """
                {"type":"registertrigger","function_id":"orders::on-webhook","config":{"path":"/orders"},
                 "metadata":{"source":"crm"},"id":"c2a1","message_type":"registertrigger",
                 "trigger_type":"webhook"}
                """);
    assertThat(m.triggerType()).isEqualTo("webhook");
    assertThatJson(codec.encode(m))
        .isEqualTo(
            """
            {"type":"registertrigger","id":"c2a1","trigger_type":"webhook",
             "function_id":"orders::on-webhook","config":{"path":"/orders"},"metadata":{"source":"crm"}}
            """);
  }

  @Test
  void registerTriggerWritesNullConfig() {
    var m = new Message.RegisterTrigger("t1", "cron", "f", null, null);
    assertThatJson(codec.encode(m))
        .isEqualTo(
            "{\"type\":\"registertrigger\",\"id\":\"t1\",\"trigger_type\":\"cron\",\"function_id\":\"f\",\"config\":null}");
  }

  @Test
  void triggerRegistrationResult() {
    var m =
        (Message.TriggerRegistrationResult)
            roundTrip(
                """
                {"type":"triggerregistrationresult","id":"c2a1","trigger_type":"http",
                 "function_id":"f","error":{"code":"trigger_registration_failed","message":"conflict"}}
                """);
    assertThat(m.error().code()).isEqualTo("trigger_registration_failed");
    roundTrip(
        "{\"type\":\"triggerregistrationresult\",\"id\":\"c2a1\",\"trigger_type\":\"http\",\"function_id\":\"f\"}");
  }

  @Test
  void unregisterTrigger() {
    var m =
        (Message.UnregisterTrigger)
            roundTrip("{\"type\":\"unregistertrigger\",\"id\":\"c\",\"trigger_type\":\"w\"}");
    assertThat(m.triggerType()).isEqualTo("w");
    var noType =
        (Message.UnregisterTrigger) roundTrip("{\"type\":\"unregistertrigger\",\"id\":\"c\"}");
    assertThat(noType.triggerType()).isNull();
  }

  @Test
  void workerRegisteredAndReattach() {
    var w =
        (Message.WorkerRegistered)
            roundTrip(
                "{\"type\":\"workerregistered\",\"worker_id\":\"5b0c\",\"reattach_token\":\"9f1e\"}");
    assertThat(w.reattachToken()).isEqualTo("9f1e");
    var r =
        (Message.Reattach)
            roundTrip(
                "{\"type\":\"reattach\",\"previous_worker_id\":\"5b0c\",\"reattach_token\":\"9f1e\"}");
    assertThat(r.previousWorkerId()).isEqualTo("5b0c");
    var old =
        (Message.Reattach) roundTrip("{\"type\":\"reattach\",\"previous_worker_id\":\"5b0c\"}");
    assertThat(old.reattachToken()).isNull();
  }

  @Test
  void pingPongRegisterServiceAndErrorFrame() {
    assertThat(roundTrip("{\"type\":\"ping\"}")).isEqualTo(new Message.Ping());
    assertThat(roundTrip("{\"type\":\"pong\"}")).isEqualTo(new Message.Pong());
    var s =
        (Message.RegisterService)
            codec.decode(
                "{\"type\":\"registerservice\",\"id\":\"orders\",\"name\":\"orders\",\"parent_service_id\":null}");
    assertThat(s.parentServiceId()).isNull();
    var e =
        (Message.ErrorFrame)
            roundTrip(
                "{\"type\":\"error\",\"error\":{\"code\":\"AUTH_ERROR\",\"message\":\"bad token\"}}");
    assertThat(e.error().code()).isEqualTo(ErrorCode.AUTH_ERROR.wire());
  }

  @Test
  void unknownTypeDecodesToUnknown() {
    assertThat(codec.decode("{\"type\":\"teleport\",\"x\":1}"))
        .isEqualTo(new Message.Unknown("teleport"));
  }

  @Test
  void malformedFramesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> codec.decode("{not json"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("invalid JSON");
    assertThatThrownBy(() -> codec.decode("[1,2]")).hasMessage("frame is not a JSON object");
    assertThatThrownBy(() -> codec.decode("{\"id\":\"x\"}"))
        .hasMessage("frame has no string `type`");
    assertThatThrownBy(() -> codec.decode("{\"type\":\"registerfunction\"}"))
        .hasMessageContaining("registerfunction")
        .hasMessageContaining("id");
  }

  @Test
  void payloadsKeepNumbersUnicodeAndNesting() {
    String data =
        """
        {"int":9007199254740993,"float":1.5,"whole_float":2.0,"neg":-7,"text":"h\u00e9llo \u2603 \ud83d\ude00",
         "nested":{"list":[1,"two",null,{"deep":[true,false]}]},"nothing":null}
        """;
    var m =
        (Message.InvokeFunction)
            codec.decode(
                "{\"type\":\"invokefunction\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"data\":"
                    + data
                    + "}");
    JsonNode out = codec.parseTree(codec.encode(m)).get("data");
    assertThatJson(codec.writeJson(out)).isEqualTo(data);
    assertThat(codec.writeJson(out.get("int"))).isEqualTo("9007199254740993");
    assertThat(codec.writeJson(out.get("whole_float"))).isEqualTo("2.0");
    assertThat(List.of(codec.writeJson(out.get("nested").get("list"))))
        .containsExactly("[1,\"two\",null,{\"deep\":[true,false]}]");
  }

  @Test
  void deeplyNestedPayloadsEncode() {
    String deep = "[".repeat(300) + "{\"leaf\":1.5}" + "]".repeat(300);
    var m =
        (Message.InvokeFunction)
            codec.decode(
                "{\"type\":\"invokefunction\",\"invocation_id\":\"i\",\"function_id\":\"f\",\"data\":"
                    + deep
                    + "}");
    assertThat(codec.encode(m)).contains(deep);
  }
}
