package dev.iii4j.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The shared architecture rules for this module (CONTRIBUTING.md) and the gateway's own. */
class ArchitectureTest {
  private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.iii4j.gateway");

  @Test
  void onlyTheWebSocketLayerKnowsSockets() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.gateway.ws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..", "io.micronaut.http..", "io.micronaut.websocket..")
        .because("the engine's domain is transport-free; sockets are adapted in gateway.ws")
        .check(CLASSES);
  }

  @Test
  void theDomainDoesNotReachIntoTheWebSocketLayer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.gateway.ws..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.iii4j.gateway.ws..")
        .because("the domain talks to connections only through the Outbound port")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    // The project's rule.
    ArchitectureRules.noPackageCycles().check(CLASSES);
  }
}
