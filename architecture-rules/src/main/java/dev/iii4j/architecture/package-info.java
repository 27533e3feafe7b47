/**
 * The architecture rules of the project ({@link dev.iii4j.architecture.ArchitectureRules}), shared
 * by every module's {@code ArchitectureTest}. Only ever a test-scoped dependency; depends on
 * ArchUnit and nothing of the project.
 */
package dev.iii4j.architecture;
