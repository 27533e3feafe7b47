package dev.iii4j.gateway;

import java.util.List;
import java.util.Map;

/**
 * What a connection's upgrade request carried, as the auth function sees it.
 *
 * @param headers request headers, names in lower case, one value per name
 * @param queryParams query parameters, every value of each name
 */
public record HandshakeInfo(Map<String, String> headers, Map<String, List<String>> queryParams) {

  /** No headers, no parameters. */
  public static final HandshakeInfo NONE = new HandshakeInfo(Map.of(), Map.of());
}
