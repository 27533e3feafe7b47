package dev.iii4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> IDS =
      List.of(
          "orders::create",
          "orders::record",
          "orders::reject",
          "engine::functions::info",
          "engine::functions::list",
          "publish",
          "state::get",
          "state::set");

  @Test
  void levenshteinCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("same", "same")).isZero();
  }

  @Test
  void aTypoFindsTheIntendedIdOnly() {
    assertThat(Suggestions.closeMatches("orders::creat", IDS)).containsExactly("orders::create");
    assertThat(Suggestions.closeMatches("pubish", IDS)).containsExactly("publish");
  }

  @Test
  void closestComeFirstAndCaseIsIgnored() {
    assertThat(Suggestions.closeMatches("ENGINE::functions::inf", IDS))
        .containsExactly("engine::functions::info", "engine::functions::list");
    assertThat(Suggestions.closeMatches("state::gte", IDS)).first().isEqualTo("state::get");
  }

  @Test
  void aPartOfAnIdFindsTheIdsContainingIt() {
    assertThat(Suggestions.closeMatches("reject", IDS)).containsExactly("orders::reject");
  }

  @Test
  void somethingUnrelatedFindsNothing() {
    assertThat(Suggestions.closeMatches("payments::refund", IDS)).isEmpty();
  }
}
