package dev.iii4j.stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules of the stream service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iii4j.stream");

  @Test
  void theDomainKnowsNoStorageTechnology() {
    noClasses()
        .that()
        .resideInAPackage("dev.iii4j.stream")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "io.micronaut.data..",
            "io.micronaut.transaction..",
            "org.flywaydb..",
            "org.postgresql..",
            "io.micronaut.http..",
            "io.netty..",
            "dev.iii4j.sdk..")
        .because("the root package holds the domain and its ports; adapters live in subpackages")
        .check(CLASSES);
  }

  @Test
  void onlyTheJdbcAdapterTouchesTheDatabase() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.stream.jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "io.micronaut.data..", "io.micronaut.transaction..", "org.postgresql..")
        .because("SQL and Micronaut Data stay behind the StreamStore port")
        .check(CLASSES);
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

  @Test
  void theSdkStaysInTheFunctionsPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.stream.functions..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.iii4j.sdk..")
        .because("the gateway connection is one adapter among others")
        .check(CLASSES);
  }
}
