package dev.iii4j.cron;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the cron service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.iii4j.cron");

  @Test
  void followsTheServicePackageShape() {
    // Domain and ports at the root, one adapter package per technology, no package cycles.
    ArchitectureRules.servicePackageShape("dev.iii4j.cron", "TickClaims").check(CLASSES);
  }
}
