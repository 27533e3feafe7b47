package dev.iii4j.http;

import dev.iii4j.ops.JsonWriter;
import dev.iii4j.protocol.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns handler results, middleware answers and channel control frames into HTTP responses (spec
 * section 4.4), and builds the server's own error responses (section 4.5). Thread-safe.
 */
public final class Responses {
  /** The JSON content type added when the handler sets none. */
  public static final String JSON = "application/json";

  /** Responses encoded with {@link JsonWriter}. */
  public Responses() {}

  /**
   * The buffered response of a handler's result {@code {status_code?, headers?, body?}}: a status
   * outside 100-999 (or not an integer) becomes 200; an absent body is {@code {}}; with a
   * content-type from the handler a string body is sent raw and a null body as nothing, otherwise
   * the body is JSON text with {@code content-type: application/json}.
   */
  public Reply handlerResult(JsonNode result) {
    int status = 200;
    List<Header> headers = new ArrayList<>();
    JsonNode body = JsonNode.createObjectNode(Map.of());
    if (result.isObject()) {
      status = status(result.get("status_code"), 200);
      headers = handlerHeaders(result.get("headers"));
      JsonNode b = result.get("body");
      if (b != null) {
        body = b;
      }
    }
    boolean typed = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("content-type"));
    byte[] bytes;
    if (!typed) {
      headers.addFirst(new Header("content-type", JSON));
      bytes = encode(body);
    } else if (body.isString()) {
      bytes = body.getStringValue().getBytes(StandardCharsets.UTF_8);
    } else if (body.isNull()) {
      bytes = new byte[0];
    } else {
      bytes = encode(body);
    }
    return new Reply(status, headers, bytes);
  }

  /**
   * The response a middleware asked for with {@code {"action":"respond","response":{...}}}: the
   * body is always JSON, and headers (only when all values are strings) apply after the JSON
   * content type.
   */
  public Reply middlewareResponse(@Nullable JsonNode response) {
    int status = 200;
    JsonNode body = JsonNode.nullNode();
    Map<String, Header> headers = new LinkedHashMap<>();
    headers.put("content-type", new Header("content-type", JSON));
    if (response != null && response.isObject()) {
      status = status(response.get("status_code"), 200);
      JsonNode b = response.get("body");
      if (b != null) {
        body = b;
      }
      JsonNode h = response.get("headers");
      if (h != null && h.isObject() && allStrings(h)) {
        for (Map.Entry<String, JsonNode> e : h.entries()) {
          if (validName(e.getKey()) && validValue(e.getValue().getStringValue())) {
            headers.put(
                e.getKey().toLowerCase(Locale.ROOT),
                new Header(e.getKey(), e.getValue().getStringValue()));
          }
        }
      }
    }
    return new Reply(status, List.copyOf(headers.values()), encode(body));
  }

  /** The status of a {@code set_status} frame, or -1 when it is not an integer in 100-599. */
  public static int controlStatus(@Nullable JsonNode code) {
    int s = status(code, -1);
    return s >= 100 && s <= 599 ? s : -1;
  }

  /** Adds the string headers of a {@code set_headers} frame; a repeated name keeps the last. */
  public static void controlHeaders(@Nullable JsonNode headers, Map<String, Header> into) {
    if (headers == null || !headers.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : headers.entries()) {
      JsonNode v = e.getValue();
      if (v.isString() && validName(e.getKey()) && validValue(v.getStringValue())) {
        into.put(e.getKey().toLowerCase(Locale.ROOT), new Header(e.getKey(), v.getStringValue()));
      }
    }
  }

  /** 404 for a path no route has. */
  public Reply notFound() {
    return error(404, "NOT_FOUND", "Not Found", null, null);
  }

  /** 422 for a condition that returned {@code false}. */
  public Reply conditionNotMet() {
    Map<String, JsonNode> root = new LinkedHashMap<>();
    root.put("error", errorObject("CONDITION_NOT_MET", "Request condition not met", null));
    root.put("skipped", JsonNode.createBooleanNode(true));
    return jsonReply(422, JsonNode.createObjectNode(root));
  }

  /** 500 with a function's error code and message and a fresh {@code error_id}. */
  public Reply functionError(String code, String message) {
    return error(500, code, message, errorId(), null);
  }

  /** 500 for a failure of the service itself. */
  public Reply internalError() {
    return error(
        500, ErrorCode.HTTP_INTERNAL_ERROR.wire(), "internal server error", errorId(), null);
  }

  /** 504 for a middleware that did not answer in time. */
  public Reply middlewareTimeout() {
    return error(504, "MIDDLEWARE_TIMEOUT", "Middleware timeout", null, null);
  }

  /** 504 with an empty body: the request exceeded its timeout. */
  public Reply timeout() {
    return Reply.empty(504);
  }

  /** 503 while this replica has no connection to the gateway. */
  public Reply gatewayUnavailable() {
    return error(
        503, "SERVICE_UNAVAILABLE", "Gateway unreachable: the request was not run", null, null);
  }

  /** 413 for a body above the limit. */
  public Reply payloadTooLarge(long limit) {
    return error(
        413,
        "PAYLOAD_TOO_LARGE",
        "Request body exceeds the limit of " + limit + " bytes",
        null,
        null);
  }

  /** 400 for a query string that cannot be decoded. */
  public Reply badQuery(String detail) {
    return error(400, "BAD_REQUEST", "Failed to deserialize query string: " + detail, null, null);
  }

  /** An error envelope {@code {"error":{code, message, error_id?}}}. */
  public Reply error(
      int status,
      String code,
      String message,
      @Nullable String errorId,
      @Nullable List<Header> extra) {
    Map<String, JsonNode> root = new LinkedHashMap<>();
    root.put("error", errorObject(code, message, errorId));
    Reply r = jsonReply(status, JsonNode.createObjectNode(root));
    if (extra == null) {
      return r;
    }
    List<Header> headers = new ArrayList<>(r.headers());
    headers.addAll(extra);
    return new Reply(status, headers, r.body());
  }

  /** JSON text of {@code node}. */
  public byte[] encode(JsonNode node) {
    // The project's one tree writer: no depth limit, and no serializer lookup per call as Serde's
    // writeValueAsBytes has (a tenth of the service's CPU under load).
    return JsonWriter.bytes(node);
  }

  private Reply jsonReply(int status, JsonNode node) {
    return new Reply(status, List.of(new Header("content-type", JSON)), encode(node));
  }

  private static JsonNode errorObject(String code, String message, @Nullable String errorId) {
    Map<String, JsonNode> e = new LinkedHashMap<>();
    e.put("code", JsonNode.createStringNode(code));
    e.put("message", JsonNode.createStringNode(message));
    if (errorId != null) {
      e.put("error_id", JsonNode.createStringNode(errorId));
    }
    return JsonNode.createObjectNode(e);
  }

  /** At most 12 lower-case hex digits from a nanosecond clock, as the reference makes them. */
  static String errorId() {
    String hex =
        Long.toHexString(System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L);
    return hex.length() > 12 ? hex.substring(hex.length() - 12) : hex;
  }

  private static int status(@Nullable JsonNode code, int fallback) {
    if (code == null || !code.isNumber()) {
      return fallback;
    }
    Number n = code.getNumberValue();
    if (!(n instanceof Integer
        || n instanceof Long
        || n instanceof Short
        || n instanceof BigInteger)) {
      return fallback;
    }
    long v = n.longValue();
    return v >= 100 && v <= 999 ? (int) v : fallback;
  }

  private static List<Header> handlerHeaders(@Nullable JsonNode headers) {
    List<Header> out = new ArrayList<>();
    if (headers == null) {
      return out;
    }
    if (headers.isObject()) {
      for (Map.Entry<String, JsonNode> e : headers.entries()) {
        JsonNode v = e.getValue();
        if (v.isString() && validName(e.getKey()) && validValue(v.getStringValue())) {
          out.add(new Header(e.getKey(), v.getStringValue()));
        }
      }
    } else if (headers.isArray()) {
      for (JsonNode entry : headers.values()) {
        if (!entry.isString()) {
          continue;
        }
        String line = entry.getStringValue();
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (!name.isEmpty() && validName(name) && validValue(value)) {
          out.add(new Header(name, value));
        }
      }
    }
    return out;
  }

  private static boolean allStrings(JsonNode object) {
    for (JsonNode v : object.values()) {
      if (!v.isString()) {
        return false;
      }
    }
    return true;
  }

  /** An RFC 9110 token. */
  static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** No control characters; Latin-1 only, since header bytes are sent one per character. */
  static boolean validValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
