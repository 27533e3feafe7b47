package dev.iii4j.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import dev.iii4j.ops.JsonWriter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@code ApiRequest} payload (spec section 4.3) and the middleware input, written
 * straight as JSON text: the SDK copies that text into the call's frame, so no tree is built per
 * request. Stateless.
 */
public final class ApiRequests {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

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

  /**
   * The {@code ApiRequest} payload as JSON text, written once with Jackson's generator (no tree):
   * {@code query_params}, {@code path_params}, {@code headers}, {@code path} (the template), {@code
   * method}, {@code body}, {@code trigger}, and, when {@code channels} is given, the channel refs
   * {@code request_body} (read) and {@code response} (write). Without channels it is what the
   * condition function receives.
   *
   * @param body the parsed JSON body, or null
   */
  public static String payload(
      Route route,
      String method,
      Map<String, String> query,
      Map<String, String> pathParams,
      Map<String, String> headers,
      @Nullable JsonNode body,
      ChannelClient.@Nullable Opened channels) {
    // Written into the factory's recycled buffers (as ObjectMapper.writeValueAsString does), not a
    // fresh StringWriter: its 1 KiB buffer was the largest allocation of a request here.
    BufferRecycler recycler = FACTORY._getBufferRecycler();
    try {
      SegmentedStringWriter out = new SegmentedStringWriter(recycler);
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        g.writeStartObject();
        strings(g, "query_params", query);
        strings(g, "path_params", pathParams);
        strings(g, "headers", headers);
        g.writeStringField("path", route.path());
        g.writeStringField("method", method);
        g.writeFieldName("body");
        JsonWriter.write(g, body);
        g.writeObjectFieldStart("trigger");
        g.writeStringField("type", "http");
        g.writeStringField("path", route.path());
        g.writeStringField("method", route.method());
        g.writeEndObject();
        if (channels != null) {
          ref(g, "request_body", channels.body());
          ref(g, "response", channels.response().writer());
        }
        g.writeEndObject();
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      recycler.releaseToPool();
    }
  }

  /**
   * The middleware input {@code {phase, request:{path_params,query_params,headers,method},
   * context}} as JSON text.
   */
  public static String middlewareInput(
      String method,
      Map<String, String> query,
      Map<String, String> pathParams,
      Map<String, String> headers) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("phase", "preHandler");
      g.writeObjectFieldStart("request");
      strings(g, "path_params", pathParams);
      strings(g, "query_params", query);
      strings(g, "headers", headers);
      g.writeStringField("method", method);
      g.writeEndObject();
      g.writeObjectFieldStart("context");
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A flat object of strings. */
  private static void strings(JsonGenerator g, String name, Map<String, String> map)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** A channel end as the wire carries it: {@code {channel_id, access_key, direction}}. */
  private static void ref(JsonGenerator g, String name, ChannelClient.Ref ref) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeStringField("channel_id", ref.channelId());
    g.writeStringField("access_key", ref.accessKey());
    g.writeStringField("direction", ref.direction());
    g.writeEndObject();
  }
}
