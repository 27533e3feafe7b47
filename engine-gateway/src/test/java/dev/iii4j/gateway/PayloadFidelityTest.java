package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.protocol.Message;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Payloads cross the gateway byte for byte: the text a caller's {@code data} and an executor's
 * {@code result} arrive as is the text the other side receives (plus {@code _caller_worker_id}
 * appended to object payloads), whatever the spacing, escapes, number forms, nesting or size.
 */
class PayloadFidelityTest {
  static ApplicationContext context;
  static int port;

  /** Unicode raw and escaped, a big integer, 2.0 against 2, exponents, negative zero, spacing. */
  static final String ODD =
      "{ \"big\" : 123456789012345678901234567890, \"f\":2.0,\"i\":2,\"e\":1E+2,"
          + " \"esc\":\"\\u00e9\\n\\\"\\ud83d\\ude00\", \"raw\":\"h\u00e9llo \u2603 \ud83d\ude00\","
          + " \"arr\" : [ 1 , -0.0 , null, 0.1000000000000000055511151231257827 ],\"o\":{} }";

  @BeforeAll
  static void start() {
    context = TestGateway.run(Map.of());
    port = TestGateway.port(context);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  private static String call(String id, String fn, String data) {
    return "{\"type\":\"invokefunction\",\"invocation_id\":\""
        + id
        + "\",\"function_id\":\""
        + fn
        + "\",\"data\":"
        + data
        + "}";
  }

  private static String result(String id, String fn, String value) {
    return "{\"type\":\"invocationresult\",\"invocation_id\":\""
        + id
        + "\",\"function_id\":\""
        + fn
        + "\",\"result\":"
        + value
        + "}";
  }

  /** Sends data to an executor and value back; returns what the executor and the caller got. */
  private static String[] roundTrip(String data, String value) {
    String fn = "fidelity::" + UUID.randomUUID();
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      String id = UUID.randomUUID().toString();
      caller.sendText(call(id, fn, data));
      // Large payloads take seconds on a busy machine.
      var inbound = executor.next(Message.InvokeFunction.class, m -> true, Duration.ofSeconds(60));
      executor.sendText(result(id, fn, value));
      var answer = caller.next(Message.InvocationResult.class, m -> true, Duration.ofSeconds(60));
      return new String[] {
        inbound.payload().toString(), answer.value().toString(), caller.workerId
      };
    }
  }

  @Test
  void objectsArriveAsSentWithTheCallerAppended() {
    String[] got = roundTrip(ODD, ODD);
    assertThat(got[0])
        .isEqualTo(
            ODD.substring(0, ODD.lastIndexOf('}')) + ",\"_caller_worker_id\":\"" + got[2] + "\"}");
    assertThat(got[1]).isEqualTo(ODD);
  }

  @Test
  void scalarsAndArraysArriveAsSent() {
    for (String value :
        new String[] {
          "123456789012345678901234567890", "2.0", "-1.5e-7", "\"\\u00e9\"", "[1, 2.0 ,\"x\"]"
        }) {
      String[] got = roundTrip(value, value);
      assertThat(got[0]).isEqualTo(value);
      assertThat(got[1]).isEqualTo(value);
    }
  }

  @Test
  void threeHundredLevelsOfNestingArriveAsSent() {
    String deep = "[".repeat(300) + "{\"leaf\":1.50}" + "]".repeat(300);
    String[] got = roundTrip(deep, deep);
    assertThat(got[0]).isEqualTo(deep);
    assertThat(got[1]).isEqualTo(deep);
  }

  @Test
  void sixtyThreeMebibytesArriveAsSent() {
    // 63 MiB of UTF-8: the frame limit is 64 MiB, envelope included.
    String big = "\"" + "\u00e9x\u2603".repeat(21 * 512 * 1024) + "\"";
    String[] got = roundTrip(big, big);
    assertThat(got[0]).isEqualTo(big);
    assertThat(got[1]).isEqualTo(big);
  }
}
