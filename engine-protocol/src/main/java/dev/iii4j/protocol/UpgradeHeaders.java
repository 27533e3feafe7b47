package dev.iii4j.protocol;

/**
 * Headers of a worker's WebSocket upgrade request that are extensions of ours: the gateway reads
 * them, the Java SDK sends them, the official SDKs never do (and the reference engine ignores
 * them). Names in lower case, as the gateway keeps them.
 */
public final class UpgradeHeaders {

  /** Carries the services' shared secret; such a connection may register built-in names. */
  public static final String SERVICE_TOKEN = "x-iii-service-token";

  /**
   * Asks for the engine's messages as binary frames (the same UTF-8 JSON) instead of text, with the
   * value {@link #BINARY_FRAMES}: the peer's WebSocket then hands it bytes that its JSON parser
   * reads as they are, where a text frame is decoded into UTF-16 characters first.
   */
  public static final String FRAMES = "x-iii-frames";

  /** The value of {@link #FRAMES} that asks for binary frames; any other value means text. */
  public static final String BINARY_FRAMES = "binary";

  private UpgradeHeaders() {}
}
