package dev.iii4j.queue.functions;

import static dev.iii4j.queue.functions.Requests.json;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.queue.Application;
import dev.iii4j.queue.DeadLetter;
import dev.iii4j.queue.QueueDefinition;
import dev.iii4j.queue.QueueException;
import dev.iii4j.queue.QueueService;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.annotation.PostConstruct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the queue's functions and the {@code durable:subscriber} trigger type on the service's
 * worker, starts the queues' consumers, then connects to the gateway. Function ids, requests and
 * results follow spec sections 1.2, 1.3 and 1.5; {@code engine::queue::dlq_count} is ours.
 */
@Requires(env = Application.ENVIRONMENT)
@Context
final class QueueFunctions {
  /** Stores a message of {@code TriggerAction.Enqueue}; called by the gateway. */
  static final String ENQUEUE = "engine::queue::enqueue";

  /** Publishes to a durable topic. */
  static final String PUBLISH = "iii::durable::publish";

  static final String REDRIVE = "iii::queue::redrive";
  static final String REDRIVE_MESSAGE = "iii::queue::redrive_message";
  static final String DISCARD_MESSAGE = "iii::queue::discard_message";
  static final String LIST_TOPICS = "engine::queue::list_topics";
  static final String TOPIC_STATS = "engine::queue::topic_stats";
  static final String DLQ_TOPICS = "engine::queue::dlq_topics";
  static final String DLQ_MESSAGES = "engine::queue::dlq_messages";
  static final String DLQ_COUNT = "engine::queue::dlq_count";

  private static final Logger LOG = LoggerFactory.getLogger(QueueFunctions.class);
  private static final int DEFAULT_LIMIT = 50;

  private final QueueService service;
  private final EngineWorker worker;

  QueueFunctions(QueueService service, EngineWorker worker) {
    this.service = service;
    this.worker = worker;
    worker.registerFunction(ENQUEUE, invocation -> enqueue(invocation).thenApply(SerdeTrees::sdk));
    worker.registerFunction(PUBLISH, invocation -> publish(invocation).thenApply(SerdeTrees::sdk));
    worker.registerFunction(REDRIVE, blocking(this::redrive));
    worker.registerFunction(REDRIVE_MESSAGE, blocking(in -> oneMessage(REDRIVE_MESSAGE, in)));
    worker.registerFunction(DISCARD_MESSAGE, blocking(in -> oneMessage(DISCARD_MESSAGE, in)));
    worker.registerFunction(LIST_TOPICS, blocking(in -> listTopics()));
    worker.registerFunction(TOPIC_STATS, blocking(this::topicStats));
    worker.registerFunction(DLQ_TOPICS, blocking(in -> dlqTopics()));
    worker.registerFunction(DLQ_MESSAGES, blocking(this::dlqMessages));
    worker.registerFunction(DLQ_COUNT, blocking(this::dlqCount));
    worker.registerTriggerType(
        DurableSubscriberProvider.TRIGGER_TYPE,
        "Durable topic subscription (Kafka)",
        new DurableSubscriberProvider(service));
  }

  @PostConstruct
  void start() {
    service.start();
    worker.start();
    LOG.info("queue service connecting to {}", worker.options().engineUrl());
  }

  // The SDK runs each handler on its own virtual thread, so blocking backend calls are fine.
  private static FunctionHandler blocking(Function<JsonNode, JsonNode> body) {
    return invocation -> {
      try {
        return CompletableFuture.completedFuture(
            SerdeTrees.sdk(body.apply(SerdeTrees.serde(invocation.data()))));
      } catch (QueueException e) {
        throw new FunctionException(e.code().wire(), e.getMessage(), e);
      }
    };
  }

  private CompletionStage<JsonNode> enqueue(Invocation invocation) {
    JsonNode in = Requests.object(ENQUEUE, SerdeTrees.data(invocation));
    String queue = Requests.requiredText(ENQUEUE, in, "queue");
    String functionId = Requests.requiredText(ENQUEUE, in, "function_id");
    JsonNode data = Requests.requiredAny(ENQUEUE, in, "data");
    String receipt = Requests.optionalText(in, "messageReceiptId");
    // The delivery continues the enqueue's trace: the trace context of this call (the gateway's
    // span of the enqueue, when it traces), else the one the request names. The request's baggage
    // is the caller's with the target function added by the gateway.
    String traceparent = invocation.traceparent();
    if (traceparent == null) {
      traceparent = Requests.optionalText(in, "traceparent");
    }
    String baggage = Requests.optionalText(in, "baggage");
    if (baggage == null) {
      baggage = invocation.baggage();
    }
    try {
      return service
          .enqueue(queue, functionId, data, receipt, traceparent, baggage)
          .handle(
              (ok, error) -> {
                if (error != null) {
                  throw new FunctionException(
                      ErrorCode.ENQUEUE_FAILED.wire(),
                      "Failed to enqueue to queue '" + queue + "': " + rootMessage(error),
                      error);
                }
                return null;
              });
    } catch (QueueException e) {
      throw new FunctionException(e.code().wire(), e.getMessage(), e);
    }
  }

  private CompletionStage<JsonNode> publish(Invocation invocation) {
    JsonNode in = Requests.object(PUBLISH, SerdeTrees.data(invocation));
    String topic = Requests.requiredText(PUBLISH, in, "topic");
    JsonNode data = Requests.requiredAny(PUBLISH, in, "data");
    try {
      return service
          .publish(topic, data, invocation.traceparent(), invocation.baggage())
          .handle(
              (ok, error) -> {
                if (error != null) {
                  throw new FunctionException(
                      ErrorCode.ENQUEUE_FAILED.wire(),
                      "Failed to publish to topic '" + topic + "': " + rootMessage(error),
                      error);
                }
                return null;
              });
    } catch (QueueException e) {
      throw new FunctionException(e.code().wire(), e.getMessage(), e);
    }
  }

  private static String name(JsonNode in, ErrorCode missing, String message) {
    String name = Requests.optionalText(in, "queue", "topic");
    if (name == null || name.isEmpty()) {
      throw new QueueException(missing, message);
    }
    return name;
  }

  private static JsonNode input(String functionId, @Nullable JsonNode data) {
    return data == null || data.isNull() ? json() : Requests.object(functionId, data);
  }

  private JsonNode redrive(JsonNode data) {
    JsonNode in = input(REDRIVE, data);
    String queue = name(in, ErrorCode.QUEUE_NOT_SET, "Queue name is required");
    int redriven;
    try {
      redriven = service.redrive(queue);
    } catch (QueueException e) {
      throw new QueueException(
          ErrorCode.REDRIVE_FAILED,
          "Failed to redrive DLQ for queue '" + queue + "': " + e.getMessage(),
          e);
    }
    return json("queue", queue, "redriven", redriven);
  }

  private JsonNode oneMessage(String functionId, JsonNode data) {
    JsonNode in = input(functionId, data);
    String queue = name(in, ErrorCode.QUEUE_NOT_SET, "Queue name is required");
    String id = Requests.optionalText(in, "message_id");
    if (id == null || id.isEmpty()) {
      throw new QueueException(ErrorCode.MESSAGE_ID_NOT_SET, "Message ID is required");
    }
    boolean found;
    try {
      found =
          functionId.equals(REDRIVE_MESSAGE)
              ? service.redriveMessage(queue, id)
              : service.discardMessage(queue, id);
    } catch (QueueException e) {
      throw functionId.equals(REDRIVE_MESSAGE)
          ? new QueueException(
              ErrorCode.REDRIVE_MESSAGE_FAILED,
              "Failed to redrive DLQ message '"
                  + id
                  + "' for queue '"
                  + queue
                  + "': "
                  + e.getMessage(),
              e)
          : new QueueException(
              ErrorCode.DISCARD_MESSAGE_FAILED,
              "Failed to discard DLQ message: " + e.getMessage(),
              e);
    }
    return json("queue", queue, "message_id", id, "redriven", found ? 1 : 0);
  }

  private JsonNode listTopics() {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (Map.Entry<String, Integer> t : service.subscribedTopics().entrySet()) {
        if (!service.queues().containsKey(t.getKey())) {
          out.add(
              json("name", t.getKey(), "broker_type", "kafka", "subscriber_count", t.getValue()));
        }
      }
      for (QueueDefinition q : service.queues().values()) {
        out.add(
            json(
                "name",
                q.name(),
                "broker_type",
                "function_queue",
                "subscriber_count",
                q.concurrency()));
      }
    } catch (QueueException e) {
      throw new QueueException(ErrorCode.LIST_TOPICS_FAILED, e.getMessage(), e);
    }
    return JsonNode.createArrayNode(out);
  }

  private JsonNode topicStats(JsonNode data) {
    JsonNode in = input(TOPIC_STATS, data);
    String topic = name(in, ErrorCode.TOPIC_REQUIRED, "topic is required");
    try {
      QueueDefinition q = service.queues().get(topic);
      int consumers =
          q != null ? q.concurrency() : service.subscribedTopics().getOrDefault(topic, 0);
      return json(
          "depth",
          service.depth(topic),
          "consumer_count",
          consumers,
          "dlq_depth",
          service.deadLetterCount(topic),
          "config",
          null);
    } catch (QueueException e) {
      throw new QueueException(ErrorCode.TOPIC_STATS_FAILED, e.getMessage(), e);
    }
  }

  private JsonNode dlqTopics() {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (String topic : service.topicNames()) {
        if (!service.queues().containsKey(topic)) {
          out.add(
              json(
                  "topic",
                  topic,
                  "broker_type",
                  "kafka",
                  "message_count",
                  service.deadLetterCount(topic)));
        }
      }
      for (String queue : service.queues().keySet()) {
        out.add(
            json(
                "topic",
                queue,
                "broker_type",
                "function_queue",
                "message_count",
                service.deadLetterCount(queue)));
      }
    } catch (QueueException e) {
      throw new QueueException(ErrorCode.DLQ_TOPICS_FAILED, e.getMessage(), e);
    }
    return JsonNode.createArrayNode(out);
  }

  private JsonNode dlqMessages(JsonNode data) {
    JsonNode in = input(DLQ_MESSAGES, data);
    String topic = name(in, ErrorCode.TOPIC_REQUIRED, "topic is required");
    Long offset = Requests.optionalNumber(in, "offset");
    Long limit = Requests.optionalNumber(in, "limit");
    int from = offset == null ? 0 : (int) Math.min(Integer.MAX_VALUE, offset);
    int count = limit == null ? DEFAULT_LIMIT : (int) Math.min(10_000, limit);
    if (count == 0) {
      return JsonNode.createArrayNode(List.of());
    }
    List<JsonNode> out = new ArrayList<>();
    try {
      for (DeadLetter d : service.deadLetters(topic, from, count)) {
        out.add(
            json(
                "id",
                d.job().id(),
                "payload",
                d.job().data(),
                "error",
                d.error(),
                "failed_at",
                d.failedAt() / 1000,
                "retries",
                d.job().attemptsMade(),
                "size_bytes",
                d.sizeBytes(),
                "function_id",
                d.job().functionId(),
                "message_receipt_id",
                d.job().messageId(),
                "created_at",
                d.job().createdAt()));
      }
    } catch (QueueException e) {
      throw new QueueException(ErrorCode.DLQ_MESSAGES_FAILED, e.getMessage(), e);
    }
    return JsonNode.createArrayNode(out);
  }

  private JsonNode dlqCount(JsonNode data) {
    JsonNode in = input(DLQ_COUNT, data);
    String queue = name(in, ErrorCode.QUEUE_NOT_SET, "Queue name is required");
    return json("queue", queue, "count", service.deadLetterCount(queue));
  }

  private static String rootMessage(Throwable error) {
    Throwable e = error;
    while (e.getCause() != null && e.getCause() != e) {
      if (e instanceof QueueException) {
        break;
      }
      e = e.getCause();
    }
    return String.valueOf(e.getMessage());
  }
}
