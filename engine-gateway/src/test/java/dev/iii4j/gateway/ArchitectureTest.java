package dev.iii4j.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules of the gateway. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iii4j.gateway");

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
  void thePackagesHaveNoCycles() {
    // Strict among the gateway's packages. The root package (WorkerSession and the connection
    // types every package uses) is left out: it and `access` still refer to each other.
    slices()
        .matching("dev.iii4j.gateway.(*)..")
        .should()
        .beFreeOfCycles()
        .because("each package builds on the ones below it; a cycle makes them one package")
        .check(CLASSES);
  }
}
