package dev.iii4j.ops;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.List;

/**
 * One operation of {@code state::update} or {@code stream::update}, already validated for shape
 * (wire field {@code type}).
 *
 * <p>Paths: {@link Set}, {@link Increment}, {@link Decrement} and {@link Remove} take one string,
 * where {@code ""} is the root and any other string is one literal top-level key (dots are not
 * separators). {@link Merge} and {@link Append} take a list of literal segments, empty for the
 * root.
 */
public sealed interface UpdateOp {

  /** The op's wire name, used as the prefix of its error codes. */
  String name();

  /** {@code set}: replaces the root or one top-level key; an omitted value counts as null. */
  record Set(String path, @Nullable JsonNode value) implements UpdateOp {
    @Override
    public String name() {
      return "set";
    }
  }

  /** {@code merge}: shallow-merges an object at the root or at a nested path. */
  record Merge(List<String> path, JsonNode value) implements UpdateOp {
    /** Copies the path. */
    public Merge {
      path = List.copyOf(path);
    }

    @Override
    public String name() {
      return "merge";
    }
  }

  /** {@code increment}: adds {@code by} to a number. */
  record Increment(String path, long by) implements UpdateOp {
    @Override
    public String name() {
      return "increment";
    }
  }

  /** {@code decrement}: subtracts {@code by} from a number. */
  record Decrement(String path, long by) implements UpdateOp {
    @Override
    public String name() {
      return "decrement";
    }
  }

  /** {@code append}: pushes onto an array or concatenates onto a string. */
  record Append(List<String> path, JsonNode value) implements UpdateOp {
    /** Copies the path. */
    public Append {
      path = List.copyOf(path);
    }

    @Override
    public String name() {
      return "append";
    }
  }

  /** {@code remove}: deletes one top-level key, or sets the root to null. */
  record Remove(String path) implements UpdateOp {
    @Override
    public String name() {
      return "remove";
    }
  }
}
