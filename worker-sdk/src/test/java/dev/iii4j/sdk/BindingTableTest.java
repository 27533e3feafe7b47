package dev.iii4j.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BindingTableTest {

  private static TriggerBinding binding(String id, String path) {
    return new TriggerBinding(
        id,
        "webhook",
        "orders::on-webhook",
        new com.fasterxml.jackson.databind.node.ObjectNode(
            dev.iii4j.protocol.Json.nodes(),
            Map.of("path", dev.iii4j.protocol.Json.nodes().textNode(path))),
        null);
  }

  private final BindingTable table =
      new BindingTable(
          b -> {
            JsonNode path = b.config() == null ? null : b.config().get("path");
            return path != null && path.isTextual() && path.textValue().startsWith("/")
                ? Optional.empty()
                : Optional.of("path must start with /");
          });

  private final List<String> events = new ArrayList<>();

  BindingTableTest() {
    table.addListener(
        new BindingTable.Listener() {
          @Override
          public void bindingAdded(TriggerBinding b) {
            events.add("+" + b.id() + b.config().get("path").textValue());
          }

          @Override
          public void bindingRemoved(TriggerBinding b) {
            events.add("-" + b.id() + b.config().get("path").textValue());
          }
        });
  }

  @Test
  void addsValidBindingsAndTellsListeners() {
    assertThat(table.registerTrigger(binding("t1", "/a")).toCompletableFuture()).isCompleted();
    assertThat(table.bindings()).containsExactly(binding("t1", "/a"));
    assertThat(table.binding("t1")).contains(binding("t1", "/a"));
    assertThat(events).containsExactly("+t1/a");
  }

  @Test
  void rejectsWhatTheValidatorRejects() {
    var stage = table.registerTrigger(binding("t1", "nope")).toCompletableFuture();
    assertThat(stage).isCompletedExceptionally();
    assertThat(stage)
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .withMessage("path must start with /");
    assertThat(table.bindings()).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void aValidatorThatThrowsRejectsToo() {
    BindingTable failing =
        new BindingTable(
            b -> {
              throw new IllegalStateException("validator broke");
            });
    assertThat(failing.registerTrigger(binding("t1", "/a")).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(failing.bindings()).isEmpty();
  }

  @Test
  void removesByIdOnly() {
    table.registerTrigger(binding("t1", "/a"));
    table.registerTrigger(binding("t2", "/b"));
    table.unregisterTrigger(new TriggerBinding("t1", "webhook", "", null, null));
    assertThat(table.bindings()).containsExactly(binding("t2", "/b"));
    table.unregisterTrigger(new TriggerBinding("unknown", "webhook", "", null, null));
    assertThat(events).containsExactly("+t1/a", "+t2/b", "-t1/a");
  }

  @Test
  void sameBindingAgainChangesNothingAndADifferentOneReplaces() {
    table.registerTrigger(binding("t1", "/a"));
    table.registerTrigger(binding("t1", "/a"));
    table.registerTrigger(binding("t1", "/c"));
    assertThat(table.bindings()).containsExactly(binding("t1", "/c"));
    assertThat(events).containsExactly("+t1/a", "-t1/a", "+t1/c");
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    table.addListener(
        new BindingTable.Listener() {
          @Override
          public void bindingAdded(TriggerBinding b) {
            throw new IllegalStateException("listener broke");
          }
        });
    List<String> seen = new ArrayList<>();
    table.addListener(
        new BindingTable.Listener() {
          @Override
          public void bindingAdded(TriggerBinding b) {
            seen.add(b.id());
          }
        });
    assertThat(table.registerTrigger(binding("t1", "/a")).toCompletableFuture()).isCompleted();
    assertThat(seen).containsExactly("t1");
  }

  @Test
  void removedListenersHearNothing() {
    BindingTable plain = new BindingTable();
    List<String> seen = new ArrayList<>();
    BindingTable.Listener l =
        new BindingTable.Listener() {
          @Override
          public void bindingAdded(TriggerBinding b) {
            seen.add(b.id());
          }
        };
    plain.addListener(l);
    plain.removeListener(l);
    plain.registerTrigger(binding("t1", "anything"));
    assertThat(seen).isEmpty();
    assertThat(plain.bindings()).hasSize(1);
  }
}
