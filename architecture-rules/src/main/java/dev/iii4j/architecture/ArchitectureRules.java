package dev.iii4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.HasDescription;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.Set;

/**
 * The rules every module checks (STYLE sections 2 and 5, CONTRIBUTING.md), written once.
 *
 * <p>A service's packages: the domain and its ports at the root, {@code config} for its settings,
 * one adapter package per technology ({@code jdbc}, {@code kafka}, {@code netty}, ...) and {@code
 * functions} for what it registers through the SDK. No two packages import each other.
 */
public final class ArchitectureRules {
  private static final String[] STORAGE = {
    "java.sql..",
    "javax.sql..",
    "io.micronaut.data..",
    "io.micronaut.transaction..",
    "org.flywaydb..",
    "org.postgresql.."
  };

  private ArchitectureRules() {}

  /** The production classes of {@code basePackage} and below (tests left out). */
  public static JavaClasses mainClasses(String basePackage) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(basePackage);
  }

  /** Every class of {@code basePackage} and below, tests included (modules without main code). */
  public static JavaClasses allClasses(String basePackage) {
    return new ClassFileImporter().importPackages(basePackage);
  }

  /**
   * No package cycles: every package of the project is a slice, and no slices import each other.
   */
  public static ArchRule noPackageCycles() {
    return slices()
        .matching("dev.iii4j.(**)")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .because("a lower package never imports a higher one (STYLE section 10)");
  }

  /**
   * The root package of {@code root} (the domain and its ports) imports no storage technology, no
   * HTTP and not the SDK.
   */
  public static ArchRule domainKnowsNoStorageTechnology(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(STORAGE, "io.micronaut.http..", "dev.iii4j.sdk.."))
        .because("the root package holds the domain and its ports; adapters live in subpackages");
  }

  /** Only {@code <root>.jdbc} touches the database; {@code port} is what the others use. */
  public static ArchRule onlyTheJdbcAdapterTouchesTheDatabase(String root, String port) {
    return noClasses()
        .that()
        .resideOutsideOfPackage(root + ".jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "io.micronaut.data..", "io.micronaut.transaction..", "org.postgresql..")
        .because("SQL and Micronaut Data stay behind the " + port + " port");
  }

  /** Micronaut Data repositories and entities are package-private. */
  public static ArchRule repositoriesAndEntitiesArePackagePrivate() {
    return classes()
        .that()
        .areAnnotatedWith("io.micronaut.data.jdbc.annotation.JdbcRepository")
        .or()
        .areAnnotatedWith("io.micronaut.data.annotation.MappedEntity")
        .should()
        .notHaveModifier(JavaModifier.PUBLIC)
        .allowEmptyShould(true)
        .because("the port speaks domain records only");
  }

  /** Only {@code <root>.functions} uses the worker SDK. */
  public static ArchRule theSdkStaysInTheFunctionsPackage(String root) {
    return noClasses()
        .that()
        .resideOutsideOfPackage(root + ".functions..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.iii4j.sdk..")
        .because("the gateway connection is one adapter among others");
  }

  /**
   * The package shape of a service whose root is {@code root} and whose storage port is {@code
   * port}: the four rules above and no package cycles.
   */
  public static ArchRule servicePackageShape(String root, String port) {
    return CompositeArchRule.of(domainKnowsNoStorageTechnology(root))
        .and(onlyTheJdbcAdapterTouchesTheDatabase(root, port))
        .and(repositoriesAndEntitiesArePackagePrivate())
        .and(theSdkStaysInTheFunctionsPackage(root))
        .and(noPackageCycles());
  }

  /**
   * No public or protected signature of a public type under {@code apiPackage} mentions a type
   * under {@code forbiddenPackage}: not its supertypes (type arguments included), not the types,
   * type arguments, thrown exceptions or annotations of its public or protected fields,
   * constructors and methods (parameters included), not the annotations of the type itself.
   */
  public static ArchRule publicApiMentionsNo(String apiPackage, String forbiddenPackage) {
    String prefix = forbiddenPackage + ".";
    return classes()
        .that()
        .resideInAPackage(apiPackage + "..")
        .and()
        .arePublic()
        .should(
            new ArchCondition<JavaClass>("mention no " + forbiddenPackage + " type in public API") {
              @Override
              public void check(JavaClass type, ConditionEvents events) {
                Violations v = new Violations(prefix, events);
                if (type.getSuperclass().isPresent()) {
                  v.type(type, "supertype", type.getSuperclass().get());
                }
                type.getInterfaces().forEach(i -> v.type(type, "interface", i));
                v.annotations(type, type.getAnnotations());
                for (JavaField field : type.getFields()) {
                  if (visible(field)) {
                    v.type(field, "type", field.getType());
                    v.annotations(field, field.getAnnotations());
                  }
                }
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                  if (!visible(unit)) {
                    continue;
                  }
                  v.type(unit, "return type", unit.getReturnType());
                  for (JavaParameter parameter : unit.getParameters()) {
                    v.type(unit, "parameter", parameter.getType());
                    v.annotations(unit, parameter.getAnnotations());
                  }
                  unit.getThrowsClause().getTypes().forEach(t -> v.type(unit, "throws", t));
                  v.annotations(unit, unit.getAnnotations());
                }
              }
            })
        .because("the SDK is a plain-Java library: its users need no Micronaut (issue 21)");
  }

  private static boolean visible(JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  /** Collects the forbidden types one member mentions. */
  private record Violations(String prefix, ConditionEvents events) {
    void type(HasDescription owner, String role, JavaType type) {
      for (JavaClass raw : type.getAllInvolvedRawTypes()) {
        report(owner, role, raw);
      }
    }

    void annotations(HasDescription owner, Collection<? extends JavaAnnotation<?>> annotations) {
      for (JavaAnnotation<?> annotation : annotations) {
        report(owner, "annotation", annotation.getRawType());
      }
    }

    private void report(HasDescription owner, String role, JavaClass raw) {
      if (raw.getName().startsWith(prefix)) {
        events.add(
            SimpleConditionEvent.violated(
                owner, owner.getDescription() + " has " + role + " " + raw.getName()));
      }
    }
  }

  private static String[] concat(String[] head, String... tail) {
    String[] all = new String[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}
