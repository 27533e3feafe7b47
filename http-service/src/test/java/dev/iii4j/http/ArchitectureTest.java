package dev.iii4j.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.iii4j.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules of the http service. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iii4j.http");

  @Test
  void theDomainDoesNotKnowNettyOrHttpClients() {
    noClasses()
        .that()
        .resideInAPackage("dev.iii4j.http")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..", "io.micronaut.http..", "java.net.http..")
        .because("the pipeline speaks through the ResponseSink and ChannelClient ports (STYLE 2)")
        .check(CLASSES);
  }

  @Test
  void onlyTheNettyAdapterKnowsNetty() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.http.netty..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..")
        .because("the public listener is one adapter; nothing else touches Netty")
        .check(CLASSES);
  }

  @Test
  void onlyTheChannelAdapterKnowsTheJdkWebSocket() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.iii4j.http.channels..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.net.http..")
        .because("channel sockets are the channels adapter's business")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(CLASSES);
  }
}
