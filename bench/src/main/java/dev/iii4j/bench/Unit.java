package dev.iii4j.bench;

import java.util.Locale;

/** The unit of a figure in the report, and how it is printed. */
enum Unit {
  MICROS("µs"),
  MILLIS("ms"),
  PER_SECOND("/s"),
  MEGABYTES("MB"),
  FACTOR("x");

  private final String symbol;

  Unit(String symbol) {
    this.symbol = symbol;
  }

  String symbol() {
    return symbol;
  }

  /** The value with three significant digits or so, and the unit. */
  String format(double value) {
    String number;
    double abs = Math.abs(value);
    if (abs >= 1000) {
      number = String.format(Locale.ROOT, "%,.0f", value);
    } else if (abs >= 100) {
      number = String.format(Locale.ROOT, "%.0f", value);
    } else if (abs >= 10) {
      number = String.format(Locale.ROOT, "%.1f", value);
    } else {
      number = String.format(Locale.ROOT, "%.2f", value);
    }
    return this == FACTOR ? number + symbol : number + " " + symbol;
  }
}
