package dev.iii4j.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Minted channels, an extension of ours: a connection registers a mint ({@link #FUNCTION} with a
 * prefix and a secret) and then names channels {@code prefix.K.N.E} itself ({@code K} {@link #BODY}
 * or {@link #RESPONSE}, {@code N} a counter, {@code E} the expiry in epoch seconds), each keyed
 * with the base64url (no padding) HMAC-SHA256 of its id under the secret. The gateway creates such
 * a channel when a side first connects with its key; the service that mints never announces one.
 * The one definition of the id and key format, for both ends.
 */
public final class MintedChannels {
  /** The gateway built-in that registers a mint: {@code {"prefix": P, "secret": S}}. */
  public static final String FUNCTION = "engine::channels::mint";

  /** The kind of a request body channel: empty and already ended. */
  public static final char BODY = 'b';

  /** The kind of a response channel: a pipe a writer fills. */
  public static final char RESPONSE = 'r';

  /** The keys' MAC algorithm. */
  public static final String MAC = "HmacSHA256";

  private static final Base64.Encoder KEY = Base64.getUrlEncoder().withoutPadding();

  private MintedChannels() {}

  /**
   * The id of the {@code n}-th channel of kind {@code kind}, expiring at {@code expiresAtSeconds}.
   */
  public static String id(String prefix, char kind, long n, long expiresAtSeconds) {
    return prefix + "." + kind + "." + n + "." + expiresAtSeconds;
  }

  /** A new {@link #MAC} keyed with {@code secret}. */
  public static Mac mac(byte[] secret) {
    try {
      Mac mac = Mac.getInstance(MAC);
      mac.init(new SecretKeySpec(secret, MAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no " + MAC + " in this JVM", e);
    }
  }

  /** The key of {@code id} under {@code mac} (keyed with the mint's secret; not thread-safe). */
  public static String key(Mac mac, String id) {
    return KEY.encodeToString(mac.doFinal(id.getBytes(StandardCharsets.US_ASCII)));
  }
}
