package dev.iii4j.gateway;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.TriggerAction;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker protocol, frame by frame, against a real gateway on a free port. */
class GatewayProtocolTest {
  static final String TOKEN = "test-service-token";
  static ApplicationContext context;
  static int port;

  @BeforeAll
  static void start() {
    context =
        TestGateway.run(
            Map.of(
                "engine.gateway.service-token",
                TOKEN,
                "engine.gateway.functions-poll-interval",
                "200ms"));
    port = TestGateway.port(context);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  static String unique(String prefix) {
    return prefix + "::" + UUID.randomUUID().toString().substring(0, 8);
  }

  static JsonNode json(String text) {
    return RawWorker.CODEC.parseTree(text);
  }

  static String invocationId() {
    return UUID.randomUUID().toString();
  }

  @Test
  void greetsEveryConnectionWithDistinctWorkerIdsAndTokens() {
    try (RawWorker a = RawWorker.connect(port);
        RawWorker b = RawWorker.connect(port)) {
      assertThat(UUID.fromString(a.workerId)).isNotNull();
      assertThat(UUID.fromString(a.reattachToken)).isNotNull();
      assertThat(a.workerId).isNotEqualTo(b.workerId).isNotEqualTo(a.reattachToken);
    }
  }

  @Test
  void logLinesWrittenWhileHandlingAFrameCarryTheWorkerIdInTheMdc() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(dev.iii4j.gateway.routing.MessageRouter.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (RawWorker worker = RawWorker.connect(port)) {
      // Only the engine sends workerregistered: the gateway logs a warning naming the worker.
      worker.sendText("{\"type\":\"workerregistered\",\"worker_id\":\"forged\"}");
      worker.sync();
      assertThat(appender.list)
          .filteredOn(e -> e.getFormattedMessage().contains("only the engine sends"))
          .singleElement()
          .satisfies(
              e -> assertThat(e.getMDCPropertyMap()).containsEntry("worker_id", worker.workerId));
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void routesSynchronousCallsWithCallerIdTraceAndMetadata() {
    String fn = unique("greeter");
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      String id = invocationId();
      caller.send(
          Message.InvokeFunction.of(
              id,
              fn,
              json("{\"name\":\"Ada\"}"),
              "00-trace-span-01",
              "k=v",
              null,
              json("{\"tenant\":\"t1\"}")));
      var inbound = executor.next(Message.InvokeFunction.class);
      assertThat(inbound.invocationId()).isEqualTo(id);
      assertThat(inbound.action()).isNull();
      assertThat(inbound.traceparent()).isEqualTo("00-trace-span-01");
      assertThatJson(RawWorker.CODEC.writeJson(inbound.data()))
          .isEqualTo("{\"name\":\"Ada\",\"_caller_worker_id\":\"" + caller.workerId + "\"}");
      assertThatJson(RawWorker.CODEC.writeJson(inbound.metadata()))
          .isEqualTo("{\"tenant\":\"t1\"}");
      executor.send(
          Message.InvocationResult.success(id, fn, json("{\"message\":\"Hello, Ada!\"}")));
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.invocationId()).isEqualTo(id);
      assertThat(result.functionId()).isEqualTo(fn);
      assertThat(result.error()).isNull();
      assertThat(result.traceparent()).isEqualTo("00-trace-span-01");
      assertThat(result.baggage()).isEqualTo("k=v");
      assertThatJson(RawWorker.CODEC.writeJson(result.result()))
          .isEqualTo("{\"message\":\"Hello, Ada!\"}");
    }
  }

  @Test
  void forwardsHandlerErrorsVerbatimAndOmitsEmptyResults() {
    String fn = unique("failing");
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      String failing = invocationId();
      caller.send(new Message.InvokeFunction(failing, fn, null));
      executor.next(Message.InvokeFunction.class);
      executor.send(
          Message.InvocationResult.failure(
              failing, fn, new ErrorBody("invocation_failed", "boom", "at x")));
      assertThat(caller.next(Message.InvocationResult.class).error())
          .isEqualTo(new ErrorBody("invocation_failed", "boom", "at x"));
      String empty = invocationId();
      caller.send(new Message.InvokeFunction(empty, fn, json("7")));
      var call = executor.next(Message.InvokeFunction.class);
      assertThat(RawWorker.CODEC.writeJson(call.data())).isEqualTo("7");
      executor.sendText(
          "{\"type\":\"invocationresult\",\"invocation_id\":\""
              + empty
              + "\",\"function_id\":\""
              + fn
              + "\",\"result\":null}");
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.result()).isNull();
      assertThat(result.error()).isNull();
    }
  }

  @Test
  void anExplicitNullResultIsForwardedOnlyFromATrustedService() {
    // The reference's in-engine workers answer `"result":null` (a stored null in state); ours
    // are services, so the gateway forwards a null from them and drops one from other workers.
    String fn = unique("state-like");
    try (RawWorker service = RawWorker.connect(port, Map.of("x-iii-service-token", TOKEN));
        RawWorker caller = RawWorker.connect(port)) {
      service.send(new Message.RegisterFunction(fn));
      service.sync();
      String id = invocationId();
      caller.send(new Message.InvokeFunction(id, fn, null));
      service.next(Message.InvokeFunction.class);
      service.sendText(
          "{\"type\":\"invocationresult\",\"invocation_id\":\""
              + id
              + "\",\"function_id\":\""
              + fn
              + "\",\"result\":null}");
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.nullResult()).isTrue();
      assertThatJson(RawWorker.CODEC.encode(result)).isObject().containsEntry("result", null);
    }
  }

  @Test
  void unknownFunctionFailsWithFunctionNotFound() {
    try (RawWorker caller = RawWorker.connect(port)) {
      String id = invocationId();
      caller.send(new Message.InvokeFunction(id, "nope::missing", null));
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.invocationId()).isEqualTo(id);
      assertThat(result.error())
          .isEqualTo(new ErrorBody("function_not_found", "Function nope::missing not found"));
    }
  }

  @Test
  void executorDisconnectStopsTheCallWithinASecond() {
    String fn = unique("dying");
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      String id = invocationId();
      caller.send(new Message.InvokeFunction(id, fn, null));
      executor.next(Message.InvokeFunction.class);
      long start = System.nanoTime();
      executor.abort();
      var result = caller.next(Message.InvocationResult.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(result.error())
          .isEqualTo(new ErrorBody("invocation_stopped", "Invocation stopped"));
    }
  }

  @Test
  void aCallerThatDisconnectsMidCallLeavesNothingBehindAndTheExecutorUp() {
    // A service restarted or killed with requests in flight: its calls' late results are dropped,
    // the calls are no longer counted in flight, and the executor keeps serving others.
    String fn = unique("outlived");
    Invoker invoker = context.getBean(Invoker.class);
    try (RawWorker executor = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      int before = invoker.inFlight();
      String id = invocationId();
      try (RawWorker caller = RawWorker.connect(port)) {
        caller.send(new Message.InvokeFunction(id, fn, json("{\"n\":1}")));
        executor.next(Message.InvokeFunction.class, m -> m.invocationId().equals(id));
        assertThat(invoker.inFlight()).isEqualTo(before + 1);
        caller.abort();
      }
      // Dropped with the caller's connection, not kept until the executor answers.
      await().atMost(Duration.ofSeconds(5)).until(() -> invoker.inFlight() == before);
      executor.send(Message.InvocationResult.success(id, fn, json("\"late\"")));
      executor.sync();

      try (RawWorker next = RawWorker.connect(port)) {
        String second = invocationId();
        next.send(new Message.InvokeFunction(second, fn, json("{\"n\":2}")));
        executor.next(Message.InvokeFunction.class, m -> m.invocationId().equals(second));
        executor.send(Message.InvocationResult.success(second, fn, json("\"fresh\"")));
        var result = next.next(Message.InvocationResult.class);
        assertThat(result.invocationId()).isEqualTo(second);
        assertThat(result.result()).isEqualTo(json("\"fresh\""));
      }
    }
  }

  @Test
  void voidCallsReachTheExecutorWithAFreshIdAndAnswerNobody() throws Exception {
    String fn = unique("audit");
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      caller.send(
          Message.InvokeFunction.of(
              null, fn, json("{\"e\":1}"), null, null, new TriggerAction.Void(), null));
      var inbound = executor.next(Message.InvokeFunction.class);
      assertThat(UUID.fromString(inbound.invocationId())).isNotNull();
      executor.send(Message.InvocationResult.success(inbound.invocationId(), fn, json("1")));
      caller.sendPing();
      caller.pong.get(5, TimeUnit.SECONDS);
      assertThat(caller.poll(200)).isNull();
    }
  }

  @Test
  void callsSpreadOverAPoolAndSurviveLosingAMember() {
    String fn = unique("pooled");
    try (RawWorker first = RawWorker.connect(port);
        RawWorker second = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      first.send(new Message.RegisterFunction(fn));
      first.sync();
      second.send(new Message.RegisterFunction(fn));
      second.sync();
      Set<String> served = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        String id = invocationId();
        caller.send(new Message.InvokeFunction(id, fn, null));
        await()
            .atMost(5, TimeUnit.SECONDS)
            .until(
                () ->
                    answerIfCalled(first, id, "first", served)
                        || answerIfCalled(second, id, "second", served));
        caller.next(Message.InvocationResult.class, r -> r.invocationId().equals(id));
      }
      assertThat(served).containsExactlyInAnyOrder("first", "second");
      String watch = unique("watch");
      caller.send(new Message.RegisterFunction(watch));
      caller.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(), "engine::workers-available", watch, json("{}"), null));
      caller.sync();
      first.abort();
      // The gateway notices the lost socket asynchronously; wait for its cleanup to finish.
      caller.next(
          Message.InvokeFunction.class,
          c ->
              c.data().get("event").textValue().equals("worker_disconnected")
                  && c.data().get("worker_id").textValue().equals(first.workerId));
      for (int i = 0; i < 3; i++) {
        String id = invocationId();
        caller.send(new Message.InvokeFunction(id, fn, null));
        var call = second.next(Message.InvokeFunction.class, c -> c.invocationId().equals(id));
        second.send(Message.InvocationResult.success(call.invocationId(), fn, json("2")));
        assertThat(
                caller
                    .next(Message.InvocationResult.class, r -> r.invocationId().equals(id))
                    .error())
            .isNull();
      }
    }
  }

  private static boolean answerIfCalled(
      RawWorker worker, String id, String name, Set<String> served) throws InterruptedException {
    Message m = worker.poll(20);
    if (m instanceof Message.InvokeFunction call && call.invocationId().equals(id)) {
      worker.send(
          Message.InvocationResult.success(id, call.functionId(), json("\"" + name + "\"")));
      served.add(name);
      return true;
    }
    return false;
  }

  @Test
  void malformedAndUnknownFramesAreDroppedAndTheConnectionStaysUp() {
    String fn = unique("sturdy");
    try (RawWorker worker = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      worker.sendText("{not json");
      worker.sendText("[1,2,3]");
      worker.sendText("{\"type\":\"registerfunction\"}");
      worker.sendText("{\"type\":\"unregistertriggertype\",\"id\":\"x\",\"description\":\"d\"}");
      worker.sendText("{\"type\":\"teleport\"}");
      worker.sendText("   ");
      worker.sendText(
          "{\"type\":\"registerfunction\",\"id\":\""
              + fn
              + "\",\"message_type\":\"registerfunction\"}");
      worker.sendText("{\"type\":\"ping\"}");
      assertThat(worker.next()).isEqualTo(new Message.Pong());
      String id = invocationId();
      caller.send(new Message.InvokeFunction(id, fn, null));
      assertThat(worker.next(Message.InvokeFunction.class).invocationId()).isEqualTo(id);
    }
  }

  @Test
  void answersWebSocketPings() throws Exception {
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.sendPing();
      worker.pong.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closesWith1009OnOversizedFrames() throws Exception {
    try (ApplicationContext small =
        ApplicationContext.run(
            Map.of(
                "engine.gateway.port", 0,
                "engine.gateway.max-frame-bytes", 4096,
                "engine.gateway.max-message-bytes", 4096,
                "micronaut.server.port", -1))) {
      int smallPort = TestGateway.port(small);
      try (RawWorker worker = RawWorker.connect(smallPort)) {
        worker.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(10_000) + "\"}");
        assertThat(worker.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
      }
    }
  }

  @Test
  void ordinaryWorkersCannotTakeOverBuiltInsButServicesCan() {
    try (RawWorker service = RawWorker.connect(port, Map.of("x-iii-service-token", TOKEN));
        RawWorker intruder = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      service.send(new Message.RegisterFunction("state::set"));
      service.sync();
      intruder.send(new Message.RegisterFunction("state::set"));
      var refused = intruder.next(Message.ErrorFrame.class);
      assertThat(refused.error().code()).isEqualTo("reserved_id");
      assertThat(refused.error().message()).contains("state::set");
      intruder.send(new Message.RegisterTriggerType("state", "fake"));
      assertThat(intruder.next(Message.ErrorFrame.class).error().message()).contains("state");
      for (int i = 0; i < 3; i++) {
        String id = invocationId();
        caller.send(new Message.InvokeFunction(id, "state::set", json("{}")));
        var call = service.next(Message.InvokeFunction.class, c -> c.invocationId().equals(id));
        service.send(
            Message.InvocationResult.success(call.invocationId(), "state::set", json("true")));
        assertThat(caller.next(Message.InvocationResult.class).error()).isNull();
      }
      String streamProvider = "stream::get(orders-" + UUID.randomUUID() + ")";
      intruder.send(new Message.RegisterFunction(streamProvider));
      intruder.sync();
      String id = invocationId();
      caller.send(new Message.InvokeFunction(id, streamProvider, null));
      assertThat(intruder.next(Message.InvokeFunction.class).functionId())
          .isEqualTo(streamProvider);
    }
  }

  @Test
  void parksTriggersUntilTheirTypeAppearsAndWithdrawsThemOnDisconnect() throws Exception {
    String type = "compat-" + UUID.randomUUID();
    String triggerId = UUID.randomUUID().toString();
    try (RawWorker consumer = RawWorker.connect(port)) {
      consumer.send(
          new Message.RegisterTrigger(
              triggerId, type, "f::g", json("{\"path\":\"/x\"}"), json("{\"m\":1}")));
      consumer.sendText("{\"type\":\"ping\"}");
      assertThat(consumer.next()).isEqualTo(new Message.Pong());
      try (RawWorker provider = RawWorker.connect(port)) {
        provider.send(new Message.RegisterTriggerType(type, "test type"));
        var delivered = provider.next(Message.RegisterTrigger.class);
        assertThat(delivered.id()).isEqualTo(triggerId);
        assertThatJson(RawWorker.CODEC.writeJson(delivered.config()))
            .isEqualTo("{\"path\":\"/x\"}");
        provider.send(new Message.TriggerRegistrationResult(triggerId, type, "f::g", null));
        consumer.close();
        var withdrawn = provider.next(Message.UnregisterTrigger.class);
        assertThat(withdrawn).isEqualTo(new Message.UnregisterTrigger(triggerId, type));
        assertThat(provider.poll(300)).isNull();
      }
    }
  }

  @Test
  void providerRejectionReachesTheRegisteringWorkerAndParksTheTrigger() {
    String type = "strict-" + UUID.randomUUID();
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker consumer = RawWorker.connect(port)) {
      provider.send(new Message.RegisterTriggerType(type, "strict"));
      String triggerId = UUID.randomUUID().toString();
      consumer.send(new Message.RegisterTrigger(triggerId, type, "f::h", null, null));
      provider.next(Message.RegisterTrigger.class);
      ErrorBody error = new ErrorBody("trigger_registration_failed", "path must start with /");
      provider.send(new Message.TriggerRegistrationResult(triggerId, type, "f::h", error));
      var reported = consumer.next(Message.TriggerRegistrationResult.class);
      assertThat(reported)
          .isEqualTo(new Message.TriggerRegistrationResult(triggerId, type, "f::h", error));
    }
  }

  @Test
  void aProviderThatJoinsLaterGetsTheExistingBindingsAndThePoolSurvivesOneLoss() {
    String type = "pooled-type-" + UUID.randomUUID();
    try (RawWorker first = RawWorker.connect(port);
        RawWorker consumer = RawWorker.connect(port)) {
      first.send(new Message.RegisterTriggerType(type, "pooled"));
      String triggerId = UUID.randomUUID().toString();
      consumer.send(new Message.RegisterTrigger(triggerId, type, "f::p", null, null));
      assertThat(first.next(Message.RegisterTrigger.class).id()).isEqualTo(triggerId);
      try (RawWorker second = RawWorker.connect(port)) {
        second.send(new Message.RegisterTriggerType(type, "pooled"));
        assertThat(second.next(Message.RegisterTrigger.class).id()).isEqualTo(triggerId);
        first.abort();
        String another = UUID.randomUUID().toString();
        consumer.send(new Message.RegisterTrigger(another, type, "f::p", null, null));
        assertThat(second.next(Message.RegisterTrigger.class).id()).isEqualTo(another);
      }
    }
  }

  @Test
  void enqueueWithoutAQueueProviderExplainsWhatIsMissing() {
    try (RawWorker caller = RawWorker.connect(port)) {
      String id = invocationId();
      caller.send(
          Message.InvokeFunction.of(
              id,
              "payments::charge",
              json("{}"),
              null,
              null,
              new TriggerAction.Enqueue("payment"),
              null));
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.error().code()).isEqualTo("enqueue_error");
      assertThat(result.error().message())
          .startsWith("No queue provider is installed.")
          .endsWith("(underlying: Function engine::queue::enqueue not found)");
    }
  }

  @Test
  void enqueueGoesThroughTheQueueProviderAndReturnsTheReceipt() {
    try (RawWorker queue = RawWorker.connect(port, Map.of("x-iii-service-token", TOKEN));
        RawWorker caller = RawWorker.connect(port)) {
      queue.send(new Message.RegisterFunction("engine::queue::enqueue"));
      queue.sync();
      String id = invocationId();
      caller.send(
          Message.InvokeFunction.of(
              id,
              "payments::charge",
              json("{\"orderId\":\"123\"}"),
              null,
              "a=b",
              new TriggerAction.Enqueue("payment"),
              json("{\"m\":1}")));
      var request = queue.next(Message.InvokeFunction.class);
      assertThat(request.functionId()).isEqualTo("engine::queue::enqueue");
      JsonNode data = request.data();
      assertThat(data.get("queue").textValue()).isEqualTo("payment");
      assertThat(data.get("function_id").textValue()).isEqualTo("payments::charge");
      assertThatJson(RawWorker.CODEC.writeJson(data.get("data")))
          .isEqualTo("{\"orderId\":\"123\"}");
      assertThat(data.get("traceparent").isNull()).isTrue();
      assertThat(data.get("baggage").textValue()).isEqualTo("a=b,iii.function.id=payments::charge");
      String receipt = data.get("messageReceiptId").textValue();
      queue.send(
          Message.InvocationResult.success(
              request.invocationId(), "engine::queue::enqueue", json("{}")));
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.invocationId()).isEqualTo(id);
      assertThat(result.result().get("messageReceiptId").textValue()).isEqualTo(receipt);
    }
  }

  @Test
  void anEnqueueWhoseReplicaDiesBeforeAnsweringIsRetriedOnAnotherReplica() throws Exception {
    Map<String, String> service = Map.of("x-iii-service-token", TOKEN);
    try (RawWorker first = RawWorker.connect(port, service);
        RawWorker second = RawWorker.connect(port, service);
        RawWorker caller = RawWorker.connect(port)) {
      first.send(new Message.RegisterFunction("engine::queue::enqueue"));
      second.send(new Message.RegisterFunction("engine::queue::enqueue"));
      first.sync();
      second.sync();
      String id = invocationId();
      caller.send(
          Message.InvokeFunction.of(
              id,
              "payments::charge",
              json("{\"orderId\":\"retry\"}"),
              null,
              null,
              new TriggerAction.Enqueue("payment"),
              null));
      // Whichever replica got the call dies without answering; the other one gets it again.
      Message firstSeen = first.poll(5_000);
      RawWorker dying = firstSeen instanceof Message.InvokeFunction ? first : second;
      RawWorker survivor = dying == first ? second : first;
      Message.InvokeFunction original =
          firstSeen instanceof Message.InvokeFunction f
              ? f
              : second.next(Message.InvokeFunction.class);
      dying.abort();
      Message.InvokeFunction retried = survivor.next(Message.InvokeFunction.class);
      assertThat(retried.data().get("messageReceiptId").textValue())
          .isEqualTo(original.data().get("messageReceiptId").textValue());
      survivor.send(
          Message.InvocationResult.success(
              retried.invocationId(), "engine::queue::enqueue", json("{}")));
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.invocationId()).isEqualTo(id);
      assertThat(result.error()).isNull();
      assertThat(result.result().get("messageReceiptId").textValue())
          .isEqualTo(original.data().get("messageReceiptId").textValue());
    }
  }

  @Test
  void reattachEvictsThePreviousConnectionBeforeTheReplay() {
    String fn = unique("reattaching");
    String type = "reattach-type-" + UUID.randomUUID();
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker old = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      provider.send(new Message.RegisterTriggerType(type, "t"));
      old.send(new Message.RegisterFunction(fn));
      old.sync();
      String triggerId = UUID.randomUUID().toString();
      old.send(new Message.RegisterTrigger(triggerId, type, fn, null, null));
      provider.next(Message.RegisterTrigger.class);
      try (RawWorker fresh = RawWorker.connect(port)) {
        fresh.send(new Message.Reattach(old.workerId, old.reattachToken));
        fresh.send(new Message.RegisterFunction(fn));
        fresh.sync();
        fresh.send(new Message.RegisterTrigger(triggerId, type, fn, null, null));
        assertThat(provider.next(Message.UnregisterTrigger.class).id()).isEqualTo(triggerId);
        assertThat(provider.next(Message.RegisterTrigger.class).id()).isEqualTo(triggerId);
        String id = invocationId();
        caller.send(new Message.InvokeFunction(id, fn, null));
        assertThat(fresh.next(Message.InvokeFunction.class).invocationId()).isEqualTo(id);
      }
    }
  }

  @Test
  void reattachWithAWrongTokenEvictsNothing() throws Exception {
    try (RawWorker old = RawWorker.connect(port);
        RawWorker fresh = RawWorker.connect(port)) {
      fresh.send(new Message.Reattach(old.workerId, UUID.randomUUID().toString()));
      old.sendPing();
      old.pong.get(5, TimeUnit.SECONDS);
      assertThat(old.closeCode).isNotDone();
    }
  }

  @Test
  void publishReachesEverySubscriptionAndUnsubscribingOneKeepsTheOthers() {
    String topic = "topic-" + UUID.randomUUID();
    String fnA = unique("subA");
    String fnB = unique("subB");
    try (RawWorker subscriber = RawWorker.connect(port);
        RawWorker publisher = RawWorker.connect(port)) {
      subscriber.send(new Message.RegisterFunction(fnA));
      subscriber.send(new Message.RegisterFunction(fnB));
      String subA = UUID.randomUUID().toString();
      subscriber.send(
          new Message.RegisterTrigger(
              subA, "subscribe", fnA, json("{\"topic\":\"" + topic + "\"}"), null));
      subscriber.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(),
              "subscribe",
              fnB,
              json("{\"topic\":\"" + topic + "\"}"),
              null));
      subscriber.sync();
      String id = invocationId();
      publisher.send(
          new Message.InvokeFunction(
              id, "publish", json("{\"topic\":\"" + topic + "\",\"data\":{\"n\":1}}")));
      var published = publisher.next(Message.InvocationResult.class);
      assertThat(published.error()).isNull();
      assertThat(published.result()).isNull();
      Set<String> got = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        var call = subscriber.next(Message.InvokeFunction.class);
        assertThatJson(RawWorker.CODEC.writeJson(call.data())).isEqualTo("{\"n\":1}");
        got.add(call.functionId());
      }
      assertThat(got).containsExactlyInAnyOrder(fnA, fnB);
      subscriber.send(new Message.UnregisterTrigger(subA, null));
      subscriber.sync();
      publisher.send(
          new Message.InvokeFunction(
              invocationId(), "publish", json("{\"topic\":\"" + topic + "\",\"data\":2}")));
      var after = subscriber.next(Message.InvokeFunction.class);
      assertThat(after.functionId()).isEqualTo(fnB);
      String empty = invocationId();
      publisher.send(
          new Message.InvokeFunction(empty, "publish", json("{\"topic\":\"\",\"data\":1}")));
      assertThat(
              publisher
                  .next(Message.InvocationResult.class, r -> r.invocationId().equals(empty))
                  .error())
          .isEqualTo(new ErrorBody("topic_not_set", "Topic is not set"));
    }
  }

  @Test
  void listingsShowFunctionsWorkersAndTriggerTypes() {
    String fn = unique("listed");
    String type = "listed-type-" + UUID.randomUUID();
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.send(
          new Message.RegisterFunction(
              fn, "A listed function", null, null, json("{\"public\":true}"), null));
      worker.send(new Message.RegisterTriggerType(type, "Listed type"));
      worker.send(
          Message.InvokeFunction.of(
              null,
              "engine::workers::register",
              json(
                  "{\"runtime\":\"java\",\"version\":\"1.0\",\"name\":\"lister\",\"pid\":4242,\"os\":\"linux\"}"),
              null,
              null,
              new TriggerAction.Void(),
              null));
      // engine::workers::register runs concurrently with later calls; wait for its effect.
      await()
          .atMost(5, TimeUnit.SECONDS)
          .untilAsserted(
              () -> {
                String fid = invocationId();
                worker.send(new Message.InvokeFunction(fid, "engine::functions::list", json("{}")));
                var functions =
                    worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(fid));
                String listed = RawWorker.CODEC.writeJson(functions.result());
                assertThatJson(listed)
                    .inPath("$.functions[?(@.function_id=='" + fn + "')]")
                    .isEqualTo(
                        "[{\"function_id\":\""
                            + fn
                            + "\",\"worker_name\":\"lister\",\"description\":\"A listed function\",\"metadata\":{\"public\":true}}]");
                assertThatJson(listed)
                    .inPath("$.functions[*].function_id")
                    .isArray()
                    .doesNotContain("engine::functions::list");
              });
      await()
          .atMost(5, TimeUnit.SECONDS)
          .untilAsserted(
              () -> {
                String wid = invocationId();
                worker.send(new Message.InvokeFunction(wid, "engine::workers::list", json("{}")));
                var workers =
                    worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(wid));
                assertThatJson(RawWorker.CODEC.writeJson(workers.result()))
                    .inPath("$.workers[?(@.id=='" + worker.workerId + "')]")
                    .isArray()
                    .singleElement()
                    .isObject()
                    .containsEntry("name", "lister")
                    .containsEntry("runtime", "java")
                    .containsEntry("status", "connected")
                    .containsEntry("function_count", 1)
                    .containsEntry("isolation", null)
                    .containsKeys(
                        "description",
                        "version",
                        "os",
                        "connected_at_ms",
                        "active_invocations",
                        "ip_address");
              });
      String tid = invocationId();
      worker.send(new Message.InvokeFunction(tid, "engine::triggers::list", json("{}")));
      var types = worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(tid));
      String typesJson = RawWorker.CODEC.writeJson(types.result());
      assertThatJson(typesJson)
          .inPath("$.triggers[?(@.id=='" + type + "')]")
          .isEqualTo(
              "[{\"id\":\""
                  + type
                  + "\",\"worker_name\":\"lister\",\"description\":\"Listed type\"}]");
      assertThatJson(typesJson)
          .inPath("$.triggers[*].id")
          .isArray()
          .contains("subscribe")
          .doesNotContain("engine::workers-available");
      assertThat(typesJson).doesNotContain("configuration_schema");
    }
  }

  @Test
  void availabilityTriggersFireOnWorkerAndFunctionChanges() {
    String watcherFn = unique("watcher");
    try (RawWorker watcher = RawWorker.connect(port)) {
      watcher.send(new Message.RegisterFunction(watcherFn));
      watcher.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(),
              "engine::workers-available",
              watcherFn,
              json("{}"),
              null));
      watcher.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(),
              "engine::functions-available",
              watcherFn,
              json("{}"),
              null));
      watcher.sendText("{\"type\":\"ping\"}");
      watcher.next(Message.Pong.class);
      String newcomerId;
      try (RawWorker newcomer = RawWorker.connect(port)) {
        newcomerId = newcomer.workerId;
        watcher.next(
            Message.InvokeFunction.class,
            c ->
                c.data().get("event").textValue().equals("worker_connected")
                    && c.data().get("worker_id").textValue().equals(newcomerId));
        newcomer.send(new Message.RegisterFunction(unique("brand-new")));
        var changed =
            watcher.next(
                Message.InvokeFunction.class,
                c -> c.data().get("event").textValue().equals("functions_changed"));
        assertThat(changed.data().get("functions").isArray()).isTrue();
      }
      watcher.next(
          Message.InvokeFunction.class,
          c ->
              c.data().get("event").textValue().equals("worker_disconnected")
                  && c.data().get("worker_id").textValue().equals(newcomerId));
    }
  }
}
