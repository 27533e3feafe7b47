package dev.iii4j.cli;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Where and how every command reaches the engine; mixed into each command that talks to it. The URL
 * comes from {@code --url}, else {@code III_URL}, else {@value #DEFAULT_URL}; the reference CLI's
 * {@code --address} and {@code --port} replace the host and port of that URL (they cannot be
 * combined with {@code --url}). The answer timeout is {@code --timeout} (a duration) or the
 * reference's {@code --timeout-ms}, default 30 s. The service token comes only from {@code
 * III_SERVICE_TOKEN} (never an option, so it stays out of process listings), and is sent only when
 * set.
 */
final class EngineOptions {
  /** The gateway's worker socket on this machine, as {@code bin/stack} runs it. */
  static final String DEFAULT_URL = "ws://127.0.0.1:49134";

  /** How long the connection to the engine may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a command waits for an answer when neither timeout option is given. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--url",
      paramLabel = "<ws-url>",
      description = "The engine's worker socket (default: $III_URL, else " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--address",
      paramLabel = "<host>",
      description = "The engine's host, replacing the host of $III_URL (as in the reference CLI).")
  String address;

  @Option(
      names = "--port",
      paramLabel = "<port>",
      description = "The engine's port, replacing the port of $III_URL (default 49134).")
  Integer port;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "How long to wait for an answer: 500ms, 10s, 2m (default: 30s).")
  Duration timeout;

  @Option(
      names = "--timeout-ms",
      paramLabel = "<ms>",
      description = "The same in milliseconds, as in the reference CLI (default: 30000).")
  Long timeoutMs;

  /** How long to wait for an answer: {@code --timeout}, {@code --timeout-ms} or 30 s. */
  Duration timeout() {
    if (timeout != null && timeoutMs != null) {
      throw new CliException(ExitCodes.USAGE, "give --timeout or --timeout-ms, not both");
    }
    if (timeoutMs != null) {
      if (timeoutMs <= 0) {
        throw new CliException(
            ExitCodes.USAGE, "--timeout-ms must be a positive number of milliseconds");
      }
      return Duration.ofMillis(timeoutMs);
    }
    return timeout != null ? timeout : DEFAULT_TIMEOUT;
  }

  /** The engine URL to use, with path {@code /} when none was given. */
  URI engineUrl() {
    String raw = url;
    if (raw != null && !raw.isBlank() && (address != null || port != null)) {
      throw new CliException(
          ExitCodes.USAGE, "give --url or --address/--port, not both (--url is the whole address)");
    }
    if (raw == null || raw.isBlank()) {
      raw = System.getenv("III_URL");
    }
    if (raw == null || raw.isBlank()) {
      raw = DEFAULT_URL;
    }
    URI uri;
    try {
      uri = URI.create(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE, "invalid engine URL '" + raw + "': " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("ws") && !scheme.equals("wss")) || uri.getHost() == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "invalid engine URL '" + raw + "': expected ws://host:port or wss://host:port");
    }
    if (address != null || port != null) {
      uri = withHostAndPort(uri);
    }
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
      uri = URI.create(uri + "/");
    }
    return uri;
  }

  private URI withHostAndPort(URI base) {
    if (address != null && address.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--address needs a host name or IP address");
    }
    if (port != null && (port < 1 || port > 65_535)) {
      throw new CliException(ExitCodes.USAGE, "--port must be between 1 and 65535, not " + port);
    }
    String host = address != null ? address.trim() : base.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    int p = port != null ? port : base.getPort();
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    String text = base.getScheme() + "://" + host + (p == -1 ? "" : ":" + p) + path;
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE, "invalid engine address '" + text + "': " + e.getMessage());
    }
  }

  /** The service token from the environment, or null. */
  static String serviceToken() {
    String token = System.getenv("III_SERVICE_TOKEN");
    return token == null || token.isBlank() ? null : token.trim();
  }

  /** Opens a connection with these options. */
  EngineConnection connect() {
    return EngineConnection.open(engineUrl(), serviceToken(), timeout());
  }

  /** Reads {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a plain number of seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      Duration d;
      try {
        if (v.endsWith("ms")) {
          d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
        } else if (v.endsWith("s")) {
          d = Duration.ofMillis(seconds(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          d = Duration.ofMillis(seconds(v.substring(0, v.length() - 1)) * 60);
        } else if (v.endsWith("h")) {
          d = Duration.ofMillis(seconds(v.substring(0, v.length() - 1)) * 3600);
        } else {
          d = Duration.ofMillis(seconds(v));
        }
      } catch (NumberFormatException | ArithmeticException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration; use for example 500ms, 10s or 2m");
      }
      if (d.isZero() || d.isNegative()) {
        throw new TypeConversionException("'" + value + "' is not a positive duration");
      }
      return d;
    }

    private static long seconds(String number) {
      return new BigDecimal(number.trim()).multiply(BigDecimal.valueOf(1000)).longValueExact();
    }
  }
}
