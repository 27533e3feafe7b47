package dev.iii4j.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the parts of the {@code ApiRequest} payload (spec section 4.3). Stateless. */
public final class ApiRequests {
  private ApiRequests() {}

  /**
   * Form-decodes a query string ({@code +} is a space, percent-escapes decoded); one value per key,
   * the last one wins.
   *
   * @throws IllegalArgumentException when an escape is malformed
   */
  public static Map<String, String> query(@Nullable String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Lower-case names, one value per name (the last wins); a value with a byte outside visible ASCII
   * (space and tab allowed) becomes {@code ""}, as in the reference.
   */
  public static Map<String, String> headers(List<Header> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Header h : headers) {
      out.put(h.name().toLowerCase(Locale.ROOT), visibleAscii(h.value()) ? h.value() : "");
    }
    return out;
  }

  private static boolean visibleAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the body is parsed as JSON: a case-sensitive {@code application/json} substring. */
  public static boolean isJson(Map<String, String> headers) {
    String type = headers.get("content-type");
    return type != null && type.contains("application/json");
  }

  /** A flat JSON object of strings. */
  public static JsonNode strings(Map<String, String> map) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, JsonNode.createStringNode(v)));
    return JsonNode.createObjectNode(out);
  }

  /**
   * The payload the condition function receives: the {@code ApiRequest} without channels.
   *
   * @param body the parsed JSON body, or null
   */
  public static Map<String, JsonNode> payload(
      Route route,
      String method,
      Map<String, String> query,
      Map<String, String> pathParams,
      Map<String, String> headers,
      @Nullable JsonNode body) {
    Map<String, JsonNode> p = new LinkedHashMap<>();
    p.put("query_params", strings(query));
    p.put("path_params", strings(pathParams));
    p.put("headers", strings(headers));
    p.put("path", JsonNode.createStringNode(route.path()));
    p.put("method", JsonNode.createStringNode(method));
    p.put("body", body == null ? JsonNode.nullNode() : body);
    Map<String, JsonNode> trigger = new LinkedHashMap<>();
    trigger.put("type", JsonNode.createStringNode("http"));
    trigger.put("path", JsonNode.createStringNode(route.path()));
    trigger.put("method", JsonNode.createStringNode(route.method()));
    p.put("trigger", JsonNode.createObjectNode(trigger));
    return p;
  }

  /**
   * The middleware input {@code {phase, request:{path_params,query_params,headers,method},
   * context}}.
   */
  public static JsonNode middlewareInput(Map<String, JsonNode> payload) {
    Map<String, JsonNode> request = new LinkedHashMap<>();
    request.put("path_params", payload.get("path_params"));
    request.put("query_params", payload.get("query_params"));
    request.put("headers", payload.get("headers"));
    request.put("method", payload.get("method"));
    Map<String, JsonNode> in = new LinkedHashMap<>();
    in.put("phase", JsonNode.createStringNode("preHandler"));
    in.put("request", JsonNode.createObjectNode(request));
    in.put("context", JsonNode.createObjectNode(Map.of()));
    return JsonNode.createObjectNode(in);
  }
}
