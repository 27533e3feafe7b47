package dev.iii4j.bench;

/** The outcome of one row. */
enum Verdict {
  /** The goal was met. */
  PASS,
  /** The goal was missed (never fails the run: the report says by how much). */
  MISS,
  /** No goal: the figure is reported. */
  REPORT,
  /** The benchmark crashed or produced no figure (fails the run). */
  ERROR;

  String label() {
    return switch (this) {
      case PASS -> "pass";
      case MISS -> "**miss**";
      case REPORT -> "report";
      case ERROR -> "**error**";
    };
  }
}
