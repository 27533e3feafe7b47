package dev.iii4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row in capitals, columns padded to their widest cell, two spaces
 * between columns, no trailing spaces. Cells longer than a column's limit are cut with an ellipsis;
 * line feeds and tabs are shown as spaces, so one row stays one line, and other characters that
 * could change the terminal are removed ({@link #printable}).
 */
final class Table {
  private final List<String> headers;
  private final int[] limits;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with the given column headers and no width limits. */
  Table(String... headers) {
    this.headers = List.of(headers);
    this.limits = new int[headers.length];
  }

  /** Cuts the cells of column {@code index} to at most {@code max} characters. */
  Table limit(int index, int max) {
    limits[index] = max;
    return this;
  }

  /** Adds a row; it must have as many cells as there are headers. */
  Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + headers.size() + " columns");
    }
    List<String> row = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      row.add(fit(cells[i], limits[i]));
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  private static String fit(String cell, int limit) {
    String text = printable(cell.replace('\n', ' ').replace('\t', ' '));
    if (limit > 0 && text.codePointCount(0, text.length()) > limit) {
      return text.substring(0, text.offsetByCodePoints(0, limit - 1)) + "…";
    }
    return text;
  }

  /**
   * Text a worker supplied (a description, a name), safe to print on a terminal: control characters
   * (escape sequences, DEL, C1), the Unicode bidirectional overrides and isolates (U+202A to
   * U+202E, U+2066 to U+2069) and the line and paragraph separators are removed, as the reference
   * CLI does; line feeds are kept.
   */
  static String printable(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints().filter(cp -> cp == '\n' || !unsafe(cp)).forEach(clean::appendCodePoint);
    return clean.toString();
  }

  private static boolean unsafe(int cp) {
    return Character.isISOControl(cp)
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x2028
        || cp == 0x2029;
  }

  /** Prints the header and every row. */
  void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(headers.get(i));
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], width(row.get(i)));
      }
    }
    line(out, headers, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - width(cell) + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }
}
