package dev.iii4j.gateway.httpfn;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code invocation} of an HTTP-invoked function (spec 2.3, {@code HttpInvocationRef}).
 *
 * @param url the endpoint
 * @param method upper-case HTTP method, {@code POST} by default
 * @param timeoutMs per-call timeout, 30 000 ms by default
 * @param headers extra request headers
 * @param auth how requests authenticate, or null
 */
public record HttpInvocation(
    URI url, String method, long timeoutMs, Map<String, String> headers, @Nullable Auth auth) {

  /** Methods the spec allows, upper case only. */
  public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** Default timeout of a call. */
  public static final long DEFAULT_TIMEOUT_MS = 30_000;

  /** Request authentication; every secret is named by an environment variable, never inline. */
  public sealed interface Auth {
    /**
     * {@code x-iii-Signature: sha256=<hex HMAC-SHA256(secret, "<ts>:<base64(body)>")>}.
     *
     * @param secretKey the variable holding the secret
     */
    record Hmac(String secretKey) implements Auth {}

    /**
     * {@code Authorization: Bearer <token>}.
     *
     * @param tokenKey the variable holding the token
     */
    record Bearer(String tokenKey) implements Auth {}

    /**
     * {@code <header>: <value>}.
     *
     * @param header the header name
     * @param valueKey the variable holding the value
     */
    record ApiKey(String header, String valueKey) implements Auth {}
  }

  /**
   * Reads the wire object.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static HttpInvocation parse(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("invocation must be an object");
    }
    String url = text(node, "url", true);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invocation.url is not a valid URL: " + e.getMessage());
    }
    String method = text(node, "method", false);
    method = method == null ? "POST" : method;
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "invocation.method must be one of GET, POST, PUT, PATCH, DELETE (upper case); got "
              + method);
    }
    long timeout = DEFAULT_TIMEOUT_MS;
    JsonNode t = node.get("timeout_ms");
    if (t != null && !t.isNull()) {
      if (!t.isNumber() || t.numberValue().longValue() <= 0) {
        throw new IllegalArgumentException("invocation.timeout_ms must be a positive integer");
      }
      timeout = t.numberValue().longValue();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = node.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        throw new IllegalArgumentException("invocation.headers must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> e : h.properties()) {
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException(
              "invocation.headers." + e.getKey() + " must be a string");
        }
        headers.put(e.getKey(), e.getValue().textValue());
      }
    }
    return new HttpInvocation(uri, method, timeout, Map.copyOf(headers), auth(node.get("auth")));
  }

  private static @Nullable Auth auth(@Nullable JsonNode auth) {
    if (auth == null || auth.isNull()) {
      return null;
    }
    if (!auth.isObject()) {
      throw new IllegalArgumentException("invocation.auth must be an object");
    }
    String type = text(auth, "type", true).toLowerCase(Locale.ROOT);
    return switch (type) {
      case "hmac" -> new Auth.Hmac(text(auth, "secret_key", true));
      case "bearer" -> new Auth.Bearer(text(auth, "token_key", true));
      case "api_key" -> new Auth.ApiKey(text(auth, "header", true), text(auth, "value_key", true));
      default ->
          throw new IllegalArgumentException(
              "invocation.auth.type must be hmac, bearer or api_key; got " + type);
    };
  }

  private static @Nullable String text(JsonNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("invocation: missing field `" + field + "`");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("invocation." + field + " must be a string");
    }
    return value.textValue();
  }

  /** The environment variables this invocation's auth needs. */
  public java.util.List<String> variables() {
    return switch (auth) {
      case null -> java.util.List.of();
      case Auth.Hmac h -> java.util.List.of(h.secretKey());
      case Auth.Bearer b -> java.util.List.of(b.tokenKey());
      case Auth.ApiKey a -> java.util.List.of(a.valueKey());
    };
  }
}
