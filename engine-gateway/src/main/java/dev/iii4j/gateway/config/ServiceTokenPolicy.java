package dev.iii4j.gateway.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses service tokens anyone could guess: the defaults found in example files and short ones. A
 * connection that presents the service token may register built-in functions ({@code state::set})
 * and trigger types ({@code http}), so a guessable token hands the engine to whoever guesses it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServiceTokenPolicy {
  /** The shortest service token accepted without {@code III_ALLOW_WEAK_SERVICE_TOKEN=true}. */
  public static final int MIN_LENGTH = 16;

  /** The environment variable (and property) that accepts a weak token anyway. */
  public static final String ALLOW_WEAK = "III_ALLOW_WEAK_SERVICE_TOKEN";

  private static final Set<String> KNOWN_DEFAULTS =
      Set.of(
          "change-me",
          "changeme",
          "change_me",
          "changeit",
          "secret",
          "password",
          "token",
          "service-token",
          "default",
          "admin",
          "test",
          "iii",
          "example",
          "replace-me",
          "please-change-me",
          "insecure");

  private ServiceTokenPolicy() {}

  /**
   * Why {@code token} must not be used, if it must not.
   *
   * @param token a configured, non-blank service token
   * @return the reason, naming the fix; empty when the token is acceptable
   */
  public static Optional<String> weakness(String token) {
    String trimmed = token.strip();
    if (KNOWN_DEFAULTS.contains(trimmed.toLowerCase(Locale.ROOT))) {
      return Optional.of(
          "III_SERVICE_TOKEN is a well-known default (\""
              + trimmed
              + "\"), so any client could present it and register built-in functions such as"
              + " state::set or the http trigger type. "
              + FIX);
    }
    if (trimmed.length() < MIN_LENGTH) {
      return Optional.of(
          "III_SERVICE_TOKEN has "
              + trimmed.length()
              + " characters, fewer than "
              + MIN_LENGTH
              + ", so it can be guessed. "
              + FIX);
    }
    return Optional.empty();
  }

  private static final String FIX =
      "Set a random token of at least "
          + MIN_LENGTH
          + " characters (for example `openssl rand -hex 24`) in the gateway and every service, or"
          + " set "
          + ALLOW_WEAK
          + "=true to accept this one anyway.";
}
