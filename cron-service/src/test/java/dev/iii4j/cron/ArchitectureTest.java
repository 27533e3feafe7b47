package dev.iii4j.cron;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import org.junit.jupiter.api.Test;

/** Package rules of the cron service (STYLE sections 2 and 5). */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iii4j.cron");

  @Test
  void theDomainKnowsNoStorageTechnology() {
    noClasses()
        .that()
        .resideInAPackage("dev.iii4j.cron")
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
            "dev.iii4j.sdk..")
        .because("the root package holds the domain and its ports; adapters live in subpackages")
        .check(CLASSES);
  }

  @Test
  void onlyTheJdbcAdapterTouchesTheDatabase() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.cron.jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "io.micronaut.data..", "io.micronaut.transaction..", "org.postgresql..")
        .because("SQL and Micronaut Data stay behind the TickClaims port")
        .check(CLASSES);
  }

  @Test
  void repositoriesAndEntitiesArePackagePrivate() {
    classes()
        .that()
        .areAnnotatedWith(JdbcRepository.class)
        .or()
        .areAnnotatedWith(MappedEntity.class)
        .should()
        .notHaveModifier(JavaModifier.PUBLIC)
        .because("the port speaks domain records only")
        .check(CLASSES);
  }

  @Test
  void theSdkStaysInTheFunctionsPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.cron.functions..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.iii4j.sdk..")
        .because("the gateway connection is one adapter among others")
        .check(CLASSES);
  }
}
