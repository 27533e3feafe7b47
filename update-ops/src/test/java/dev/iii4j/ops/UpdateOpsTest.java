package dev.iii4j.ops;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.tree.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpdateOpsTest {

  private static Optional<JsonNode> stored(String json) {
    return Optional.of(JsonText.parse(json));
  }

  private static UpdateOps.Result run(Optional<JsonNode> stored, UpdateOp... ops) {
    return UpdateOps.apply(stored, List.of(ops));
  }

  private static String json(UpdateOps.Result result) {
    return JsonText.write(result.value());
  }

  private static List<String> codes(UpdateOps.Result result) {
    return result.errors().stream().map(UpdateOpError::code).toList();
  }

  @Test
  void missingKeyWithNoOpsStoresAnEmptyObject() {
    assertThat(json(run(Optional.empty()))).isEqualTo("{}");
  }

  @Test
  void setReplacesRootOrOneLiteralKey() {
    assertThat(json(run(stored("{\"a\":1}"), new UpdateOp.Set("", JsonText.parse("[1]")))))
        .isEqualTo("[1]");
    assertThat(json(run(stored("{\"a\":1}"), new UpdateOp.Set("", null)))).isEqualTo("null");
    assertThatJson(json(run(stored("{\"a\":1}"), new UpdateOp.Set("b.c", JsonText.parse("2")))))
        .isEqualTo("{\"a\":1,\"b.c\":2}");
    UpdateOps.Result notObject = run(stored("5"), new UpdateOp.Set("x", JsonText.parse("1")));
    assertThat(codes(notObject)).containsExactly("set.target_not_object");
    assertThat(notObject.errors().get(0).message())
        .isEqualTo("Cannot set at path 'x': target is number, expected object.");
    assertThat(notObject.errors().get(0).docUrl())
        .isEqualTo("https://iii.dev/docs/workers/iii-state#error-codes");
  }

  @Test
  void mergeIsShallowAtRootAndCreatesNestedParents() {
    assertThatJson(
            json(
                run(
                    stored("{\"a\":{\"x\":1},\"b\":2}"),
                    new UpdateOp.Merge(List.of(), JsonText.parse("{\"a\":{\"y\":2},\"c\":3}")))))
        .isEqualTo("{\"a\":{\"y\":2},\"b\":2,\"c\":3}");
    assertThatJson(
            json(
                run(
                    stored("{\"a\":5}"),
                    new UpdateOp.Merge(List.of("a", "b"), JsonText.parse("{\"k\":true}")))))
        .isEqualTo("{\"a\":{\"b\":{\"k\":true}}}");
    // A root merge into a non-object is a silent no-op.
    UpdateOps.Result noOp =
        run(stored("[1]"), new UpdateOp.Merge(List.of(), JsonText.parse("{\"k\":1}")));
    assertThat(json(noOp)).isEqualTo("[1]");
    assertThat(noOp.errors()).isEmpty();
  }

  @Test
  void mergeValidatesItsValue() {
    assertThat(codes(run(stored("{}"), new UpdateOp.Merge(List.of(), JsonText.parse("1")))))
        .containsExactly("merge.value.not_an_object");
    assertThat(
            codes(
                run(
                    stored("{}"),
                    new UpdateOp.Merge(List.of(), JsonText.parse("{\"__proto__\":1}")))))
        .containsExactly("merge.value.proto_polluted");
    String deep = "{\"a\":" + "[".repeat(16) + "]".repeat(16) + "}";
    assertThat(codes(run(stored("{}"), new UpdateOp.Merge(List.of(), JsonText.parse(deep)))))
        .containsExactly("merge.value.too_deep");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= 1024; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
    }
    assertThat(
            codes(
                run(
                    stored("{}"),
                    new UpdateOp.Merge(List.of(), JsonText.parse(many.append("}").toString())))))
        .containsExactly("merge.value.too_many_keys");
  }

  @Test
  void pathsAreValidatedForEveryOp() {
    JsonNode one = JsonText.parse("1");
    assertThat(codes(run(stored("{}"), new UpdateOp.Set("__proto__", one))))
        .containsExactly("set.path.proto_polluted");
    assertThat(codes(run(stored("{}"), new UpdateOp.Increment("constructor", 1))))
        .containsExactly("increment.path.proto_polluted");
    assertThat(codes(run(stored("{}"), new UpdateOp.Remove("x".repeat(257)))))
        .containsExactly("remove.path.segment_too_long");
    assertThat(codes(run(stored("{}"), new UpdateOp.Merge(List.of("a", ""), JsonText.parse("{}")))))
        .containsExactly("merge.path.empty_segment");
    assertThat(
            codes(
                run(
                    stored("{}"),
                    new UpdateOp.Append(Collections.nCopies(33, "a"), JsonText.parse("1")))))
        .containsExactly("append.path.too_deep");
    assertThat(codes(run(stored("{}"), new UpdateOp.Decrement("prototype", 1))))
        .containsExactly("decrement.path.proto_polluted");
  }

  @Test
  void incrementAndDecrementKeepIntegersAndCheckOverflow() {
    assertThat(json(run(Optional.empty(), new UpdateOp.Increment("", 5)))).isEqualTo("5");
    assertThat(json(run(Optional.empty(), new UpdateOp.Decrement("", 5)))).isEqualTo("-5");
    assertThatJson(
            json(
                run(
                    stored("{\"count\":2}"),
                    new UpdateOp.Increment("count", 3),
                    new UpdateOp.Increment("missing", 3),
                    new UpdateOp.Decrement("gone", 4))))
        .isEqualTo("{\"count\":5,\"missing\":3,\"gone\":-4}");
    assertThat(json(run(stored("1.5"), new UpdateOp.Increment("", 2)))).isEqualTo("3.5");
    // i64::MAX + 1 continues in the u64 range; u64::MAX + 1 overflows.
    assertThat(json(run(stored("9223372036854775807"), new UpdateOp.Increment("", 1))))
        .isEqualTo("9223372036854775808");
    UpdateOps.Result overflow = run(stored("18446744073709551615"), new UpdateOp.Increment("", 1));
    assertThat(codes(overflow)).containsExactly("increment.not_number");
    assertThat(json(overflow)).isEqualTo("18446744073709551615");
    assertThat(json(run(Optional.empty(), new UpdateOp.Decrement("", Long.MIN_VALUE))))
        .isEqualTo("9223372036854775808");
    UpdateOps.Result nulls =
        run(
            stored("{\"inc\":null,\"s\":\"x\"}"),
            new UpdateOp.Increment("inc", 1),
            new UpdateOp.Decrement("s", 1));
    assertThat(codes(nulls)).containsExactly("increment.not_number", "decrement.not_number");
    assertThat(nulls.errors().get(0).message())
        .isEqualTo("Expected number at path 'inc', got null.");
    assertThat(codes(run(stored("\"s\""), new UpdateOp.Increment("", 1))))
        .containsExactly("increment.not_number");
    assertThat(codes(run(stored("[1]"), new UpdateOp.Increment("k", 1))))
        .containsExactly("increment.target_not_object");
    assertThat(codes(run(stored("true"), new UpdateOp.Decrement("k", 1))))
        .containsExactly("decrement.target_not_object");
  }

  @Test
  void appendFollowsTheTargetRules() {
    JsonNode hello = JsonText.parse("\"hello\"");
    JsonNode chunk = JsonText.parse("{\"kind\":\"chunk\"}");
    assertThat(json(run(Optional.empty(), new UpdateOp.Append(List.of(), hello))))
        .isEqualTo("\"hello\"");
    assertThat(json(run(Optional.empty(), new UpdateOp.Append(List.of(), chunk))))
        .isEqualTo("[{\"kind\":\"chunk\"}]");
    assertThatJson(
            json(
                run(
                    stored("{\"t\":\"a\",\"e\":[1]}"),
                    new UpdateOp.Append(List.of("t"), JsonText.parse("\"b\"")),
                    new UpdateOp.Append(List.of("e"), JsonText.parse("2")),
                    new UpdateOp.Append(List.of("new"), hello),
                    new UpdateOp.Append(List.of("n", "leaf"), hello),
                    new UpdateOp.Append(List.of("nul"), JsonText.parse("3")))))
        .isEqualTo(
            "{\"t\":\"ab\",\"e\":[1,2],\"new\":\"hello\",\"n\":{\"leaf\":[\"hello\"]},\"nul\":[3]}");
    assertThat(
            codes(
                run(
                    stored("{\"t\":\"a\",\"o\":{}}"),
                    new UpdateOp.Append(List.of("t"), JsonText.parse("1")),
                    new UpdateOp.Append(List.of("o"), hello))))
        .containsExactly("append.type_mismatch", "append.type_mismatch");
    assertThat(codes(run(stored("{}"), new UpdateOp.Append(List.of(), hello))))
        .containsExactly("append.type_mismatch");
    assertThat(codes(run(stored("5"), new UpdateOp.Append(List.of("k"), hello))))
        .containsExactly("append.target_not_object");
  }

  @Test
  void removeDeletesAKeyOrNullsTheRoot() {
    assertThat(json(run(stored("{\"a\":1,\"b\":2}"), new UpdateOp.Remove("a"))))
        .isEqualTo("{\"b\":2}");
    assertThat(json(run(stored("{\"a\":1}"), new UpdateOp.Remove("zzz")))).isEqualTo("{\"a\":1}");
    assertThat(json(run(stored("{\"a\":1}"), new UpdateOp.Remove("")))).isEqualTo("null");
    assertThat(codes(run(stored("\"x\""), new UpdateOp.Remove("a"))))
        .containsExactly("remove.target_not_object");
  }

  @Test
  void failedOpsAreSkippedAndLaterOpsStillRun() {
    UpdateOps.Result result =
        run(
            stored("{\"s\":\"x\"}"),
            new UpdateOp.Increment("s", 1),
            new UpdateOp.Set("ok", JsonText.parse("true")));
    assertThat(result.errors()).extracting(UpdateOpError::opIndex).containsExactly(0);
    assertThatJson(json(result)).isEqualTo("{\"s\":\"x\",\"ok\":true}");
  }
}
