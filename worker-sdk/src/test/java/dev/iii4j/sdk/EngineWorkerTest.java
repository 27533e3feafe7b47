package dev.iii4j.sdk;

import static java.util.concurrent.TimeUnit.SECONDS;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.TriggerAction;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker protocol (spec sections 1.4-1.6, 2, 3.4-3.9) against a real WebSocket peer. */
class EngineWorkerTest {

  private TestEngine engine;
  private EngineWorker worker;

  @BeforeEach
  void setUp() throws IOException {
    engine = new TestEngine();
    worker =
        EngineWorker.create(
            WorkerOptions.builder(engine.uri())
                .workerName("test-worker")
                .serviceToken("token-1")
                .header("x-tenant", "t1")
                .reconnectInitialDelay(Duration.ofMillis(20))
                .reconnectMaxDelay(Duration.ofMillis(100))
                .build());
  }

  @AfterEach
  void tearDown() throws IOException {
    worker.close();
    engine.close();
  }

  private static JsonNode json(String text) {
    return TestEngine.CODEC.parseTree(text);
  }

  private static String text(JsonNode node) {
    return TestEngine.CODEC.writeJson(node);
  }

  private TestEngine.Peer started() throws Exception {
    worker.start().get(10, SECONDS);
    return engine.peer(0);
  }

  // ------------------------------------------------------------------ connect and replay

  @Test
  void sendsRegistrationsInOrderThenWorkersRegisterOnOpen() throws Exception {
    worker.registerTriggerType("webhook", "Inbound webhooks", new BindingTable());
    worker.registerFunction(
        FunctionDefinition.of("orders::create")
            .withDescription("Creates an order")
            .withMetadata(json("{\"public\":true}")),
        FunctionHandler.sync(d -> d));
    TriggerRef trigger =
        worker.registerTrigger(
            "webhook", "orders::create", json("{\"path\":\"/orders\"}"), json("{\"m\":1}"));

    TestEngine.Peer peer = started();
    await().atMost(10, SECONDS).until(() -> peer.frames.size() >= 4);

    assertThat(peer.types())
        .containsExactly(
            "registertriggertype", "registerfunction", "registertrigger", "invokefunction");
    assertThatJson(peer.frames.get(0))
        .isEqualTo(
            "{\"type\":\"registertriggertype\",\"id\":\"webhook\",\"description\":\"Inbound webhooks\"}");
    assertThatJson(peer.frames.get(1))
        .isEqualTo(
            "{\"type\":\"registerfunction\",\"id\":\"orders::create\","
                + "\"description\":\"Creates an order\",\"metadata\":{\"public\":true}}");
    assertThatJson(peer.frames.get(2))
        .isEqualTo(
            "{\"type\":\"registertrigger\",\"id\":\""
                + trigger.id()
                + "\",\"trigger_type\":\"webhook\",\"function_id\":\"orders::create\","
                + "\"config\":{\"path\":\"/orders\"},\"metadata\":{\"m\":1}}");
    assertThatJson(peer.frames.get(3))
        .isEqualTo(
            """
            {"type":"invokefunction","function_id":"engine::workers::register",
             "data":{"runtime":"java","version":"${json-unit.any-string}","name":"test-worker",
                     "os":"${json-unit.any-string}","pid":"${json-unit.any-number}","isolation":null},
             "action":{"type":"void"}}
            """);
    assertThat(java.util.UUID.fromString(trigger.id()).version()).isEqualTo(4);
    assertThat(peer.headers)
        .containsEntry("x-iii-service-token", "token-1")
        .containsEntry("x-tenant", "t1");
    assertThat(worker.workerId()).contains(peer.workerId);
    assertThat(worker.isConnected()).isTrue();
  }

  @Test
  void reconnectsAfterADropAndReattachesThenReplaysWithTheSameTriggerIds() throws Exception {
    worker.registerTriggerType("webhook", "hooks", new BindingTable());
    worker.registerFunction("orders::create", FunctionHandler.sync(d -> d));
    TriggerRef trigger = worker.registerTrigger("webhook", "orders::create", null);
    TestEngine.Peer first = started();
    await().atMost(10, SECONDS).until(() -> first.frames.size() >= 4);
    assertThat(first.types()).doesNotContain("reattach");

    first.drop();
    TestEngine.Peer second = engine.peer(1);
    await().atMost(10, SECONDS).until(() -> second.frames.size() >= 5);

    assertThat(second.types())
        .containsExactly(
            "reattach",
            "registertriggertype",
            "registerfunction",
            "registertrigger",
            "invokefunction");
    assertThatJson(second.frames.get(0))
        .isEqualTo(
            "{\"type\":\"reattach\",\"previous_worker_id\":\""
                + first.workerId
                + "\",\"reattach_token\":\""
                + first.reattachToken
                + "\"}");
    assertThat(((Message.RegisterTrigger) second.messages().get(3)).id()).isEqualTo(trigger.id());
    assertThat(((Message.InvokeFunction) second.messages().get(4)).functionId())
        .isEqualTo("engine::workers::register");
    await().atMost(10, SECONDS).until(() -> worker.workerId().equals(Optional.of(second.workerId)));
  }

  @Test
  void registrationsAfterStartAreSentAtOnceAndUnregisterIsSent() throws Exception {
    TestEngine.Peer peer = started();
    FunctionRef ref = worker.registerFunction("late::fn", FunctionHandler.sync(d -> d));
    peer.await(Message.RegisterFunction.class, m -> m.id().equals("late::fn"));
    ref.unregister();
    ref.unregister();
    peer.await(Message.UnregisterFunction.class, m -> m.id().equals("late::fn"));
    TriggerTypeRef type = worker.registerTriggerType("late-type", null, new BindingTable());
    peer.await(Message.RegisterTriggerType.class, m -> m.id().equals("late-type"));
    type.unregister();
    peer.await(Message.UnregisterTriggerType.class, m -> m.id().equals("late-type"));
    TriggerRef trigger =
        worker.registerTrigger("cron", "late::fn", json("{\"expression\":\"* * * * *\"}"));
    peer.await(Message.RegisterTrigger.class, m -> m.id().equals(trigger.id()));
    trigger.unregister();
    Message.UnregisterTrigger gone =
        peer.await(Message.UnregisterTrigger.class, m -> m.id().equals(trigger.id()));
    assertThat(gone.triggerType()).isEqualTo("cron");
    assertThat(peer.find(Message.UnregisterFunction.class, m -> true)).isPresent();
    assertThat(
            peer.messages().stream().filter(Message.UnregisterFunction.class::isInstance).count())
        .isEqualTo(1);
  }

  @Test
  void duplicateRegistrationsThrow() {
    FunctionRef ref = worker.registerFunction("dup::fn", FunctionHandler.sync(d -> d));
    assertThatThrownBy(() -> worker.registerFunction("dup::fn", FunctionHandler.sync(d -> d)))
        .isInstanceOf(DuplicateRegistrationException.class)
        .satisfies(e -> assertThat(((DuplicateRegistrationException) e).id()).isEqualTo("dup::fn"));
    worker.registerTriggerType("dup-type", "d", new BindingTable());
    assertThatThrownBy(() -> worker.registerTriggerType("dup-type", "d", new BindingTable()))
        .isInstanceOf(DuplicateRegistrationException.class);
    ref.unregister();
    assertThat(worker.registerFunction("dup::fn", FunctionHandler.sync(d -> d)).id())
        .isEqualTo("dup::fn");
    assertThatThrownBy(() -> worker.registerFunction(" ", FunctionHandler.sync(d -> d)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ executing functions

  @Test
  void runsTheHandlerAndAnswersWithTheSameInvocationId() throws Exception {
    AtomicReference<Invocation> seen = new AtomicReference<>();
    AtomicReference<String> thread = new AtomicReference<>();
    AtomicReference<String> mdc = new AtomicReference<>();
    worker.registerFunction(
        "greeter::hello",
        invocation -> {
          seen.set(invocation);
          thread.set(Thread.currentThread().isVirtual() ? "virtual" : "platform");
          mdc.set(org.slf4j.MDC.get("function_id") + "/" + org.slf4j.MDC.get("invocation_id"));
          return CompletableFuture.completedFuture(
              json("{\"message\":\"Hello, " + invocation.data().get("name").textValue() + "!\"}"));
        });
    TestEngine.Peer peer = started();
    String id = java.util.UUID.randomUUID().toString();
    peer.send(
        "{\"type\":\"invokefunction\",\"invocation_id\":\""
            + id
            + "\",\"function_id\":\"greeter::hello\",\"data\":{\"name\":\"Ada\"},"
            + "\"traceparent\":\"00-abc-01\",\"baggage\":\"k=v\",\"metadata\":{\"tenant\":\"t1\"}}");

    assertThatJson(peer.awaitResultText(id))
        .isEqualTo(
            "{\"type\":\"invocationresult\",\"invocation_id\":\""
                + id
                + "\",\"function_id\":\"greeter::hello\",\"result\":{\"message\":\"Hello, Ada!\"},"
                + "\"traceparent\":\"00-abc-01\",\"baggage\":\"k=v\"}");
    assertThat(seen.get().invocationId()).isEqualTo(id);
    assertThat(text(seen.get().metadata())).isEqualTo("{\"tenant\":\"t1\"}");
    assertThat(seen.get().traceparent()).isEqualTo("00-abc-01");
    assertThat(thread.get()).isEqualTo("virtual");
    assertThat(mdc.get()).as("the handler's log context").isEqualTo("greeter::hello/" + id);
  }

  @Test
  void aNullResultLeavesResultOut() throws Exception {
    worker.registerFunction("state::get", FunctionHandler.sync(d -> null));
    TestEngine.Peer peer = started();
    peer.send(new Message.InvokeFunction("n-1", "state::get", null));
    assertThatJson(peer.awaitResultText("n-1"))
        .isEqualTo(
            "{\"type\":\"invocationresult\",\"invocation_id\":\"n-1\",\"function_id\":\"state::get\"}");
  }

  @Test
  void unknownFunctionAnswersFunctionNotFound() throws Exception {
    TestEngine.Peer peer = started();
    peer.send(new Message.InvokeFunction("u-1", "nope::missing", json("{}")));
    Message.InvocationResult result = peer.awaitResult("u-1");
    assertThat(result.functionId()).isEqualTo("nope::missing");
    assertThat(result.error()).isEqualTo(new ErrorBody("function_not_found", "Function not found"));
  }

  @Test
  void aThrowingHandlerAnswersInvocationFailedWithAStackTrace() throws Exception {
    worker.registerFunction(
        "boom::sync",
        FunctionHandler.sync(
            d -> {
              throw new IllegalStateException("boom");
            }));
    worker.registerFunction(
        "boom::async",
        invocation -> CompletableFuture.failedFuture(new IllegalArgumentException("async boom")));
    worker.registerFunction(
        "boom::coded",
        invocation -> {
          throw new FunctionException("order_invalid", "order 7 is invalid");
        });
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WorkerRuntime.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
        new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    logger.addAppender(log);
    TestEngine.Peer peer = started();
    peer.send(new Message.InvokeFunction("b-1", "boom::sync", null));
    peer.send(new Message.InvokeFunction("b-2", "boom::async", null));
    peer.send(new Message.InvokeFunction("b-3", "boom::coded", null));

    ErrorBody sync = peer.awaitResult("b-1").error();
    assertThat(sync.code()).isEqualTo("invocation_failed");
    assertThat(sync.message()).isEqualTo("boom");
    assertThat(sync.stacktrace())
        .contains("java.lang.IllegalStateException: boom")
        .contains("\tat ");
    ErrorBody async = peer.awaitResult("b-2").error();
    assertThat(async.code()).isEqualTo("invocation_failed");
    assertThat(async.message()).isEqualTo("async boom");
    assertThatJson(peer.awaitResultText("b-3"))
        .isEqualTo(
            "{\"type\":\"invocationresult\",\"invocation_id\":\"b-3\",\"function_id\":\"boom::coded\","
                + "\"error\":{\"code\":\"order_invalid\",\"message\":\"order 7 is invalid\"}}");
    // Faults are logged by the worker with their stack trace; a chosen FunctionException is not.
    logger.detachAppender(log);
    assertThat(log.list)
        .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .containsExactlyInAnyOrder(
            "handler of boom::sync failed on invocation b-1",
            "handler of boom::async failed on invocation b-2");
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().contains("b-1"))
        .extracting(e -> e.getThrowableProxy().getMessage())
        .containsExactly("boom");
  }

  @Test
  void withoutAnInvocationIdTheHandlerRunsAndNothingIsSentBack() throws Exception {
    CompletableFuture<JsonNode> ran = new CompletableFuture<>();
    worker.registerFunction(
        "audit::log",
        invocation -> {
          ran.complete(invocation.data());
          return CompletableFuture.completedFuture(json("{\"ok\":true}"));
        });
    TestEngine.Peer peer = started();
    peer.send(
        "{\"type\":\"invokefunction\",\"function_id\":\"audit::log\",\"data\":{\"event\":\"login\"}}");
    assertThat(text(ran.get(10, SECONDS))).isEqualTo("{\"event\":\"login\"}");
    // A later call's answer proves the frames before it were all written.
    peer.send(new Message.InvokeFunction("after-1", "audit::log", null));
    peer.awaitResult("after-1");
    assertThat(peer.messages().stream().filter(Message.InvocationResult.class::isInstance))
        .hasSize(1);
  }

  @Test
  void reassemblesFragmentedTextAndAcceptsBinaryFrames() throws Exception {
    worker.registerFunction("echo::fn", FunctionHandler.sync(d -> d));
    TestEngine.Peer peer = started();
    String big = "x".repeat(70_000);
    peer.sendFragmented(
        "{\"type\":\"invokefunction\",\"invocation_id\":\"f-1\",\"function_id\":\"echo::fn\",\"data\":\""
            + big
            + "\"}",
        5);
    peer.sendBinary(
        "{\"type\":\"invokefunction\",\"invocation_id\":\"f-2\",\"function_id\":\"echo::fn\",\"data\":2}");
    assertThat(peer.awaitResult("f-1").result().textValue()).isEqualTo(big);
    assertThat(peer.awaitResult("f-2").result().numberValue().intValue()).isEqualTo(2);
  }

  @Test
  void answersJsonPingAndSurvivesMalformedAndUnknownFrames() throws Exception {
    TestEngine.Peer peer = started();
    peer.send("{not json");
    peer.send("{\"type\":\"somethingnew\",\"x\":1}");
    peer.send("{\"type\":\"invokefunction\"}");
    peer.send("   ");
    peer.send("{\"type\":\"ping\"}");
    peer.await(Message.Pong.class, m -> true);
    assertThat(worker.isConnected()).isTrue();
    assertThat(engine.peerCount()).isEqualTo(1);
  }

  @Test
  void answersWebSocketPings() throws Exception {
    TestEngine.Peer peer = started();
    peer.sendPing();
    await().atMost(10, SECONDS).until(() -> peer.pongsReceived.get() == 1);
  }

  // ------------------------------------------------------------------ calling functions

  @Test
  void aSyncCallResolvesOnItsInvocationResult() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<JsonNode> call =
        worker.call(
            "math::add",
            json("{\"a\":1,\"b\":2}"),
            CallOptions.defaults()
                .withMetadata(json("{\"tenant\":\"t1\"}"))
                .withTraceparent("00-aa-01")
                .withBaggage("k=v"));
    Message.InvokeFunction sent = peer.awaitInvoke("math::add");
    assertThat(sent.action()).isNull();
    assertThat(text(sent.metadata())).isEqualTo("{\"tenant\":\"t1\"}");
    assertThat(sent.traceparent()).isEqualTo("00-aa-01");
    assertThat(sent.baggage()).isEqualTo("k=v");
    assertThat(java.util.UUID.fromString(sent.invocationId()).version()).isEqualTo(4);
    peer.send(Message.InvocationResult.success(sent.invocationId(), "math::add", json("3")));
    assertThat(call.get(10, SECONDS).numberValue().intValue()).isEqualTo(3);

    CompletableFuture<JsonNode> empty = worker.call("state::get", json("{\"key\":\"k\"}"));
    Message.InvokeFunction second = peer.awaitInvoke("state::get");
    peer.send(
        "{\"type\":\"invocationresult\",\"invocation_id\":\""
            + second.invocationId()
            + "\",\"function_id\":\"state::get\"}");
    assertThat(empty.get(10, SECONDS)).isNull();
  }

  @Test
  void anErrorResultFailsWithRemote() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<JsonNode> call = worker.call("greeter::hello", null);
    Message.InvokeFunction sent = peer.awaitInvoke("greeter::hello");
    assertThat(TestEngine.CODEC.encode(sent)).contains("\"data\":null");
    peer.send(
        Message.InvocationResult.failure(
            sent.invocationId(),
            "greeter::hello",
            new ErrorBody("invocation_failed", "boom", "Error: boom\n    at x")));
    assertThat(call)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            e -> {
              assertThat(e.code()).isEqualTo("invocation_failed");
              assertThat(e.getMessage()).isEqualTo("boom");
              assertThat(e.stacktrace()).isEqualTo("Error: boom\n    at x");
              assertThat(e.functionId()).isEqualTo("greeter::hello");
            });
  }

  @Test
  void aCallTimesOutAndALateResultIsIgnored() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<JsonNode> call =
        worker.call("slow::fn", null, CallOptions.defaults().withTimeout(Duration.ofMillis(100)));
    Message.InvokeFunction sent = peer.awaitInvoke("slow::fn");
    assertThat(call)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.Timeout.class)
        .withMessage("invocation timed out after 100ms");
    peer.send(Message.InvocationResult.success(sent.invocationId(), "slow::fn", json("1")));
    peer.send("{\"type\":\"ping\"}");
    peer.await(Message.Pong.class, m -> true);
    assertThat(worker.isConnected()).isTrue();
  }

  @Test
  void callVoidSendsNoInvocationIdAndAVoidAction() throws Exception {
    TestEngine.Peer peer = started();
    worker.callVoid("audit::log", json("{\"event\":\"login\"}"));
    peer.awaitInvoke("audit::log");
    String frame =
        peer.frames.stream().filter(f -> f.contains("audit::log")).findFirst().orElseThrow();
    assertThatJson(frame)
        .isEqualTo(
            "{\"type\":\"invokefunction\",\"function_id\":\"audit::log\","
                + "\"data\":{\"event\":\"login\"},\"action\":{\"type\":\"void\"}}");
  }

  @Test
  void enqueueReturnsTheMessageReceiptId() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<String> receipt =
        worker.enqueue("payment", "payments::charge", json("{\"orderId\":\"123\"}"));
    Message.InvokeFunction sent = peer.awaitInvoke("payments::charge");
    assertThat(sent.action()).isEqualTo(new TriggerAction.Enqueue("payment"));
    assertThat(sent.invocationId()).isNotNull();
    peer.send(
        Message.InvocationResult.success(
            sent.invocationId(), "payments::charge", json("{\"messageReceiptId\":\"r-1\"}")));
    assertThat(receipt.get(10, SECONDS)).isEqualTo("r-1");
  }

  @Test
  void callsMadeWhileDisconnectedAreQueuedUntilTheirTimeout() throws Exception {
    worker.registerFunction("local::fn", FunctionHandler.sync(d -> d));
    CompletableFuture<JsonNode> expired =
        worker.call(
            "remote::expired", null, CallOptions.defaults().withTimeout(Duration.ofMillis(50)));
    CompletableFuture<JsonNode> queued = worker.call("remote::queued", json("1"));
    assertThat(expired)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.Timeout.class);

    TestEngine.Peer peer = started();
    await().atMost(10, SECONDS).until(() -> peer.frames.size() >= 3);
    List<Message> sent = peer.messages();
    assertThat(sent.get(0)).isInstanceOf(Message.RegisterFunction.class);
    assertThat(((Message.InvokeFunction) sent.get(1)).functionId()).isEqualTo("remote::queued");
    assertThat(((Message.InvokeFunction) sent.get(2)).functionId())
        .isEqualTo("engine::workers::register");
    assertThat(
            peer.find(Message.InvokeFunction.class, m -> m.functionId().equals("remote::expired")))
        .isEmpty();
    peer.send(
        Message.InvocationResult.success(
            ((Message.InvokeFunction) sent.get(1)).invocationId(), "remote::queued", json("2")));
    assertThat(queued.get(10, SECONDS).numberValue().intValue()).isEqualTo(2);
  }

  @Test
  void callsInFlightFailAtOnceWhenTheSocketDies() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<JsonNode> call = worker.call("remote::slow", null);
    peer.awaitInvoke("remote::slow");
    peer.drop();
    assertThat(call)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.NotConnected.class)
        .withMessage("connection lost before the result arrived");
    engine.peer(1);
    await().atMost(10, SECONDS).until(worker::isConnected);
  }

  // ------------------------------------------------------------------ trigger types

  @Test
  void providesATriggerTypeAndAnswersEveryRegisterTrigger() throws Exception {
    BindingTable table =
        new BindingTable(
            b ->
                b.config() != null && b.config().get("path") != null
                    ? Optional.empty()
                    : Optional.of("path is required"));
    worker.registerTriggerType("webhook", "hooks", table);
    TestEngine.Peer peer = started();

    peer.send(
        new Message.RegisterTrigger(
            "t-ok", "webhook", "orders::on", json("{\"path\":\"/o\"}"), json("{\"src\":\"crm\"}")));
    peer.send(new Message.RegisterTrigger("t-bad", "webhook", "orders::on", json("{}"), null));
    peer.send(new Message.RegisterTrigger("t-unknown", "nosuchtype", "orders::on", null, null));

    Message.TriggerRegistrationResult ok =
        peer.await(Message.TriggerRegistrationResult.class, m -> m.id().equals("t-ok"));
    assertThat(ok.error()).isNull();
    assertThat(ok.triggerType()).isEqualTo("webhook");
    assertThat(ok.functionId()).isEqualTo("orders::on");
    assertThat(table.binding("t-ok")).isPresent();
    assertThat(text(table.binding("t-ok").orElseThrow().metadata())).isEqualTo("{\"src\":\"crm\"}");

    assertThat(
            peer.await(Message.TriggerRegistrationResult.class, m -> m.id().equals("t-bad"))
                .error())
        .isEqualTo(new ErrorBody("trigger_registration_failed", "path is required"));
    assertThat(
            peer.await(Message.TriggerRegistrationResult.class, m -> m.id().equals("t-unknown"))
                .error())
        .isEqualTo(new ErrorBody("trigger_type_not_found", "Trigger type not found"));
    assertThat(table.bindings()).extracting(TriggerBinding::id).containsExactly("t-ok");

    peer.send(new Message.UnregisterTrigger("t-ok", null));
    await().atMost(10, SECONDS).until(() -> table.bindings().isEmpty());
  }

  @Test
  void deliveredBindingsAreWithdrawnWhenTheConnectionIsLost() throws Exception {
    BindingTable table = new BindingTable();
    worker.registerTriggerType("webhook", "hooks", table);
    TestEngine.Peer peer = started();
    peer.send(new Message.RegisterTrigger("t-1", "webhook", "orders::on", null, null));
    peer.await(Message.TriggerRegistrationResult.class, m -> m.id().equals("t-1"));
    assertThat(table.bindings()).hasSize(1);
    peer.drop();
    await().atMost(10, SECONDS).until(() -> table.bindings().isEmpty());
    TestEngine.Peer next = engine.peer(1);
    next.send(new Message.RegisterTrigger("t-1", "webhook", "orders::on", null, null));
    next.await(Message.TriggerRegistrationResult.class, m -> m.id().equals("t-1"));
    assertThat(table.bindings()).extracting(TriggerBinding::id).containsExactly("t-1");
  }

  @Test
  void bindingTableFireHonoursTheConditionFunction() throws Exception {
    TestEngine.Peer peer = started();
    BindingTable table = new BindingTable();
    TriggerBinding gated =
        new TriggerBinding(
            "t-1",
            "webhook",
            "orders::on",
            json("{\"condition_function_id\":\"orders::only-big\"}"),
            json("{\"src\":\"crm\"}"));

    CompletableFuture<Boolean> skipped = table.fire(worker, gated, json("{\"amount\":1}"));
    Message.InvokeFunction condition = peer.awaitInvoke("orders::only-big");
    assertThat(text(condition.data())).isEqualTo("{\"amount\":1}");
    peer.send(
        Message.InvocationResult.success(
            condition.invocationId(), "orders::only-big", json("false")));
    assertThat(skipped.get(10, SECONDS)).isFalse();
    assertThat(peer.find(Message.InvokeFunction.class, m -> m.functionId().equals("orders::on")))
        .isEmpty();

    TriggerBinding gatedOther =
        new TriggerBinding(
            "t-2",
            "webhook",
            "orders::on",
            json("{\"condition_function_id\":\"orders::check\"}"),
            json("{\"src\":\"crm\"}"));
    CompletableFuture<Boolean> fired = table.fire(worker, gatedOther, json("{\"amount\":100}"));
    Message.InvokeFunction check = peer.awaitInvoke("orders::check");
    peer.send(
        Message.InvocationResult.success(check.invocationId(), "orders::check", json("true")));
    Message.InvokeFunction target = peer.awaitInvoke("orders::on");
    assertThat(text(target.data())).isEqualTo("{\"amount\":100}");
    assertThat(text(target.metadata())).isEqualTo("{\"src\":\"crm\"}");
    assertThat(target.invocationId()).isNotNull();
    peer.send(Message.InvocationResult.success(target.invocationId(), "orders::on", null));
    assertThat(fired.get(10, SECONDS)).isTrue();

    TriggerBinding failing =
        new TriggerBinding(
            "t-3",
            "webhook",
            "orders::never",
            json("{\"condition_function_id\":\"orders::broken\"}"),
            null);
    CompletableFuture<Boolean> failed = table.fire(worker, failing, null);
    Message.InvokeFunction broken = peer.awaitInvoke("orders::broken");
    peer.send(
        Message.InvocationResult.failure(
            broken.invocationId(), "orders::broken", new ErrorBody("invocation_failed", "x")));
    assertThat(failed.get(10, SECONDS)).isFalse();
    assertThat(peer.find(Message.InvokeFunction.class, m -> m.functionId().equals("orders::never")))
        .isEmpty();
  }

  @Test
  void bindingTableFireWithoutConditionCallsTheFunctionAndReportsItsFailure() throws Exception {
    TestEngine.Peer peer = started();
    TriggerBinding plain = new TriggerBinding("t-1", "cron", "jobs::run", json("{}"), null);
    CompletableFuture<Boolean> fired = new BindingTable().fire(worker, plain, json("{\"tick\":1}"));
    Message.InvokeFunction target = peer.awaitInvoke("jobs::run");
    peer.send(
        Message.InvocationResult.failure(
            target.invocationId(), "jobs::run", new ErrorBody("invocation_failed", "job failed")));
    assertThat(fired)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.Remote.class)
        .withMessage("job failed");
  }

  // ------------------------------------------------------------------ close

  @Test
  void closeSendsStatus1000AndFailsPendingCalls() throws Exception {
    TestEngine.Peer peer = started();
    CompletableFuture<JsonNode> call = worker.call("remote::pending", null);
    peer.awaitInvoke("remote::pending");
    worker.close();
    assertThat(call)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.NotConnected.class);
    await().atMost(10, SECONDS).until(() -> peer.closeCode == 1000);
    assertThat(worker.isConnected()).isFalse();
    assertThat(worker.call("x::y", null))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.NotConnected.class);
    assertThatThrownBy(() -> worker.registerFunction("x::z", FunctionHandler.sync(d -> d)))
        .isInstanceOf(IllegalStateException.class);
    worker.close();
    assertThat(engine.peerCount()).isEqualTo(1);
  }

  @Test
  void closeBeforeRegistrationFailsStart() {
    engine.sendWorkerRegistered(false);
    CompletableFuture<Void> start = worker.start();
    engine.peer(0);
    assertThat(worker.start()).isSameAs(start);
    worker.close();
    assertThat(start)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(WorkerException.NotConnected.class);
  }
}
