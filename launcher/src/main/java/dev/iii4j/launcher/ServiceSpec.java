package dev.iii4j.launcher;

import java.nio.file.Path;
import java.util.Map;

/**
 * One service process of the stack.
 *
 * @param name the name used in logs and progress lines
 * @param jar the runnable jar
 * @param managementPort where its {@code /health/readiness} answers
 * @param env its environment (on top of the launcher's own)
 */
record ServiceSpec(String name, Path jar, int managementPort, Map<String, String> env) {
  /** The kind of service, for kind-specific options: the name before {@code -service}. */
  String kind() {
    String base = name.startsWith("engine-") ? name.substring("engine-".length()) : name;
    int dash = base.indexOf('-');
    return dash < 0 ? base : base.substring(0, dash);
  }
}
