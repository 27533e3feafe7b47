package dev.iii4j.sdk;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The shared architecture rules for this module (CONTRIBUTING.md). */
class ArchitectureTest {
  private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.iii4j.sdk");

  @Test
  void noPackageCycles() {
    // The project's rule.
    ArchitectureRules.noPackageCycles().check(CLASSES);
  }

  @Test
  void publicApiMentionsNoMicronautType() {
    // Issue 21: the SDK works in a plain java -jar program.
    ArchitectureRules.publicApiMentionsNo("dev.iii4j.sdk", "io.micronaut").check(CLASSES);
  }
}
