/**
 * Child processes of the launcher and the bench harness: start with the output in a log file, wait
 * for readiness, stop with a grace period then kill. Depends on the JDK only.
 */
package dev.iii4j.process;
