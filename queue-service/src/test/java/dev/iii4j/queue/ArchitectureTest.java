package dev.iii4j.queue;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the queue service. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iii4j.queue");

  @Test
  void theDomainDoesNotKnowKafkaJdbcOrHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.iii4j.queue")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.micronaut.configuration.kafka..",
            "java.sql..",
            "javax.sql..",
            "io.micronaut.data..",
            "io.micronaut.http..")
        .because("the queue's policy speaks only through the QueueBackend port (STYLE section 2)")
        .check(CLASSES);
  }

  @Test
  void onlyTheAdapterKnowsKafka() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.queue.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..")
        .because("Kafka's types and exceptions never leave the adapter package")
        .check(CLASSES);
  }

  @Test
  void nothingReachesIntoTheAdapter() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.queue.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.iii4j.queue.kafka..")
        .because("the domain and the functions use the QueueBackend port, not its adapter")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(CLASSES);
  }
}
