package dev.iii4j.observability;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the observability service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      ArchitectureRules.mainClasses("dev.iii4j.observability");

  @Test
  void followsTheServicePackageShape() {
    ArchitectureRules.servicePackageShape("dev.iii4j.observability", "TelemetryStore")
        .check(CLASSES);
  }
}
