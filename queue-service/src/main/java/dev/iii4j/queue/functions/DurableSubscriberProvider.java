package dev.iii4j.queue.functions;

import dev.iii4j.queue.QueueException;
import dev.iii4j.queue.QueueService;
import dev.iii4j.queue.RetryPolicy;
import dev.iii4j.queue.Subscription;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.sdk.TriggerTypeProvider;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code durable:subscriber} trigger type (spec section 1.3). Config: {@code topic} (alias
 * {@code queue}), {@code condition_function_id}, and {@code queue_config} with camelCase keys
 * {@code type}, {@code concurrency}, {@code maxRetries}, {@code backoffDelayMs}. A trigger without
 * a topic is accepted and creates no subscription, as in the reference.
 */
final class DurableSubscriberProvider implements TriggerTypeProvider {
  static final String TRIGGER_TYPE = "durable:subscriber";

  private static final Logger LOG = LoggerFactory.getLogger(DurableSubscriberProvider.class);

  private final QueueService service;

  DurableSubscriberProvider(QueueService service) {
    this.service = service;
  }

  @Override
  public CompletionStage<Void> registerTrigger(TriggerBinding binding) {
    try {
      JsonNode config = SerdeTrees.serde(binding.config());
      String topic =
          config != null && config.isObject()
              ? Requests.optionalText(config, "topic", "queue")
              : null;
      if (topic == null || topic.isEmpty()) {
        LOG.warn(
            "durable:subscriber trigger {} of {} has no topic; no subscription created",
            binding.id(),
            binding.functionId());
        service.unsubscribe(binding.id());
        return CompletableFuture.completedFuture(null);
      }
      service.subscribe(subscription(binding, topic, config));
      return CompletableFuture.completedFuture(null);
    } catch (QueueException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void unregisterTrigger(TriggerBinding binding) {
    service.unsubscribe(binding.id());
  }

  static Subscription subscription(TriggerBinding binding, String topic, JsonNode config) {
    String condition = Requests.optionalText(config, "condition_function_id");
    JsonNode qc = config.get("queue_config");
    boolean fifo = false;
    int concurrency = Subscription.DEFAULT_CONCURRENCY;
    Integer maxRetries = null;
    long backoff = RetryPolicy.DEFAULT_INITIAL_DELAY.toMillis();
    if (qc != null && qc.isObject()) {
      fifo = "fifo".equals(Requests.optionalText(qc, "type"));
      Long c = Requests.optionalNumber(qc, "concurrency");
      if (c != null) {
        concurrency = (int) Math.min(Integer.MAX_VALUE, c);
      }
      Long r = Requests.optionalNumber(qc, "maxRetries");
      if (r != null) {
        maxRetries = (int) Math.min(1_000_000, r);
      }
      Long b = Requests.optionalNumber(qc, "backoffDelayMs");
      if (b != null) {
        backoff = b;
      }
    }
    return new Subscription(
        binding.id(),
        topic,
        binding.functionId(),
        condition == null || condition.isBlank() ? null : condition,
        fifo,
        concurrency,
        RetryPolicy.forSubscriber(maxRetries, Duration.ofMillis(backoff)));
  }
}
