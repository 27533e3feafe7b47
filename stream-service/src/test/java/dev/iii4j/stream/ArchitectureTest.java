package dev.iii4j.stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the stream service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.iii4j.stream");

  @Test
  void followsTheServicePackageShape() {
    // Domain and ports at the root, one adapter package per technology, no package cycles.
    ArchitectureRules.servicePackageShape("dev.iii4j.stream", "StreamStore").check(CLASSES);
  }

  @Test
  void theClientWebSocketKnowsNeitherTheSdkNorJdbc() {
    noClasses()
        .that()
        .resideInAPackage("dev.iii4j.stream.clients..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.iii4j.sdk..", "java.sql..", "dev.iii4j.stream.jdbc..")
        .because("clients reach storage and triggers through the domain's ports")
        .check(CLASSES);
  }

  @Test
  void onlyTheClientPackageUsesNetty() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.stream.clients..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .because("the client WebSocket is one adapter among others")
        .check(CLASSES);
  }
}
