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
 * comes from {@code --url}, else {@code III_URL}, else {@value #DEFAULT_URL}. The service token
 * comes only from {@code III_SERVICE_TOKEN} (never an option, so it stays out of process listings),
 * and is sent only when set.
 */
final class EngineOptions {
  /** The gateway's worker socket on this machine, as {@code bin/stack} runs it. */
  static final String DEFAULT_URL = "ws://127.0.0.1:49134";

  /** How long the connection to the engine may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--url",
      paramLabel = "<ws-url>",
      description = "The engine's worker socket (default: $III_URL, else " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<duration>",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait for an answer: 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** The engine URL to use, with path {@code /} when none was given. */
  URI engineUrl() {
    String raw = url;
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
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
      uri = URI.create(uri + "/");
    }
    return uri;
  }

  /** The service token from the environment, or null. */
  static String serviceToken() {
    String token = System.getenv("III_SERVICE_TOKEN");
    return token == null || token.isBlank() ? null : token.trim();
  }

  /** Opens a connection with these options. */
  EngineConnection connect() {
    return EngineConnection.open(engineUrl(), serviceToken(), timeout);
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
