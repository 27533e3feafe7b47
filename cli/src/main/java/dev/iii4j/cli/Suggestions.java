package dev.iii4j.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Close matches for a mistyped id: ids within a small edit distance (Levenshtein, ignoring case),
 * and ids that contain the typed text or are contained in it, closest first.
 */
final class Suggestions {
  /** How many matches are shown at most. */
  static final int MAX = 5;

  private Suggestions() {}

  /** The known ids closest to {@code typed}, at most {@link #MAX}, closest first. */
  static List<String> closeMatches(String typed, Collection<String> known) {
    String needle = typed.toLowerCase(Locale.ROOT);
    // Typos are a few edits wherever they are; long shared prefixes must not widen the budget.
    int budget = Math.max(1, Math.min(3, needle.length() / 3));
    record Scored(String id, int score) {}
    return known.stream()
        .filter(id -> !id.equals(typed))
        .map(
            id -> {
              String candidate = id.toLowerCase(Locale.ROOT);
              int distance = distance(needle, candidate);
              if (distance <= budget) {
                return new Scored(id, distance);
              }
              if (needle.length() >= 3
                  && (candidate.contains(needle) || needle.contains(candidate))) {
                return new Scored(id, budget + 1 + Math.abs(candidate.length() - needle.length()));
              }
              return null;
            })
        .filter(s -> s != null)
        .sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::id))
        .limit(MAX)
        .map(Scored::id)
        .toList();
  }

  /** The Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
