package dev.iii4j.state;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the state service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.iii4j.state");

  @Test
  void theDomainKnowsNoStorageTechnology() {
    ArchitectureRules.domainKnowsNoStorageTechnology("dev.iii4j.state").check(CLASSES);
  }

  @Test
  void onlyTheJdbcAdapterTouchesTheDatabase() {
    ArchitectureRules.onlyTheJdbcAdapterTouchesTheDatabase("dev.iii4j.state", "StateStore")
        .check(CLASSES);
  }

  @Test
  void repositoriesAndEntitiesArePackagePrivate() {
    ArchitectureRules.repositoriesAndEntitiesArePackagePrivate().check(CLASSES);
  }

  @Test
  void theSdkStaysInTheFunctionsPackage() {
    ArchitectureRules.theSdkStaysInTheFunctionsPackage("dev.iii4j.state").check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(CLASSES);
  }
}
