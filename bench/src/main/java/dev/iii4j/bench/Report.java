package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one run: what ran where (machine, JDK, JVM flags and GC of every role), then one
 * row per figure, as Markdown for people and JSON for tools.
 */
final class Report {
  private final Map<String, String> meta = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  synchronized void meta(String key, String value) {
    meta.put(key, value);
  }

  synchronized void add(Row row) {
    rows.add(row);
  }

  synchronized void note(String text) {
    notes.add(text);
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Whether a benchmark crashed (the run then exits non-zero); misses never fail a run. */
  synchronized boolean crashed() {
    return rows.stream().anyMatch(r -> r.verdict() == Verdict.ERROR);
  }

  synchronized String markdown(String title) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    for (Map.Entry<String, String> e : meta.entrySet()) {
      md.append("- **").append(e.getKey()).append(":** ").append(e.getValue()).append('\n');
    }
    md.append("\n| # | Benchmark | Ours | Floor | Ratio | Goal | Result |\n");
    md.append("|---|---|---:|---:|---:|---|---|\n");
    for (Row r : rows) {
      Double ratio = r.ratio();
      md.append("| ")
          .append(r.id())
          .append(" | ")
          .append(r.name())
          .append(" | ")
          .append(r.error() != null ? "—" : r.unit().format(r.ours()))
          .append(" | ")
          .append(r.floor() == null ? "—" : r.unit().format(r.floor()))
          .append(" | ")
          .append(ratio == null ? "—" : Goal.ratio(ratio))
          .append(" | ")
          .append(r.goal().describe(r.unit()))
          .append(" | ")
          .append(r.verdict().label())
          .append(" |\n");
    }
    List<String> all = new ArrayList<>();
    for (Row r : rows) {
      if (r.error() != null) {
        all.add(r.id() + " " + r.name() + ": **failed**: " + r.error());
      } else if (r.note() != null) {
        all.add(r.id() + " " + r.name() + ": " + r.note());
      }
    }
    all.addAll(notes);
    if (!all.isEmpty()) {
      md.append("\nNotes:\n\n");
      for (String n : all) {
        md.append("- ").append(n).append('\n');
      }
    }
    return md.toString();
  }

  synchronized String json() {
    ObjectMapper mapper = Json.MAPPER;
    try {
      Map<String, JsonNode> metaNode = new LinkedHashMap<>();
      meta.forEach((k, v) -> metaNode.put(k, dev.iii4j.protocol.Json.nodes().textNode(v)));
      StringBuilder out = new StringBuilder("{\n  \"meta\": ");
      out.append(
          mapper.writeValueAsString(
              new com.fasterxml.jackson.databind.node.ObjectNode(
                  dev.iii4j.protocol.Json.nodes(), metaNode)));
      out.append(",\n  \"rows\": [");
      for (int i = 0; i < rows.size(); i++) {
        out.append(i == 0 ? "\n    " : ",\n    ")
            .append(mapper.writeValueAsString(rowNode(rows.get(i))));
      }
      out.append("\n  ],\n  \"notes\": ");
      out.append(
          mapper.writeValueAsString(
              new com.fasterxml.jackson.databind.node.ArrayNode(
                  dev.iii4j.protocol.Json.nodes(),
                  notes.stream()
                      .<JsonNode>map(dev.iii4j.protocol.Json.nodes()::textNode)
                      .toList())));
      out.append("\n}\n");
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode rowNode(Row r) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    m.put("id", dev.iii4j.protocol.Json.nodes().textNode(r.id()));
    m.put("name", dev.iii4j.protocol.Json.nodes().textNode(r.name()));
    m.put("unit", dev.iii4j.protocol.Json.nodes().textNode(r.unit().symbol()));
    m.put("ours", number(r.ours()));
    m.put(
        "floor",
        r.floor() == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : number(r.floor()));
    Double ratio = r.ratio();
    m.put(
        "ratio",
        ratio == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : number(ratio));
    m.put("goal", dev.iii4j.protocol.Json.nodes().textNode(r.goal().describe(r.unit())));
    m.put(
        "goal_kind",
        dev.iii4j.protocol.Json.nodes().textNode(r.goal().kind().name().toLowerCase()));
    m.put("goal_threshold", number(r.goal().threshold()));
    m.put("result", dev.iii4j.protocol.Json.nodes().textNode(r.verdict().name().toLowerCase()));
    m.put(
        "note",
        r.note() == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : dev.iii4j.protocol.Json.nodes().textNode(r.note()));
    m.put(
        "error",
        r.error() == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : dev.iii4j.protocol.Json.nodes().textNode(r.error()));
    return new com.fasterxml.jackson.databind.node.ObjectNode(dev.iii4j.protocol.Json.nodes(), m);
  }

  private static JsonNode number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    return dev.iii4j.protocol.Json.nodes().numberNode(Math.round(value * 1000.0) / 1000.0);
  }

  /** Writes {@code <base>.md} and {@code <base>.json} into {@code dir}. */
  void write(Path dir, String base, String title) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(base + ".md"), markdown(title), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(base + ".json"), json(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
