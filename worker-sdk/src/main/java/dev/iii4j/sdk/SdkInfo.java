package dev.iii4j.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;

/** Facts about this SDK and process, reported in {@code engine::workers::register}. */
final class SdkInfo {
  private SdkInfo() {}

  static final String RUNTIME = "java";

  static final String VERSION = readVersion();

  static long pid() {
    return ProcessHandle.current().pid();
  }

  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " ("
        + System.getProperty("os.arch")
        + ")";
  }

  static String defaultName() {
    return hostName() + ":" + pid();
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | RuntimeException e) {
      return "localhost";
    }
  }

  private static String readVersion() {
    try (InputStream in = SdkInfo.class.getResourceAsStream("/dev/iii4j/sdk/sdk.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.contains("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through to the unknown version
    }
    return "unknown";
  }
}
