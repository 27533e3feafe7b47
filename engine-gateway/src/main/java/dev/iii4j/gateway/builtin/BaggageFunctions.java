package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinFunction;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code engine::baggage::get|set|get_all} of {@code iii-observability}, over the W3C baggage of
 * the invocation itself.
 *
 * <p>The reference reads the ambient OpenTelemetry context of the engine process, which is not the
 * caller's baggage (its own descriptions call the functions diagnostic only), and its {@code set}
 * builds a new context that is thrown away. This gateway keeps no OTel context, so the closest
 * meaningful reading is the {@code baggage} string of the {@code invokefunction} that called the
 * function:
 *
 * <ul>
 *   <li>{@code get {key}} answers {@code {"value":"<v>"}}, or {@code {"value":null}} when the
 *       invocation's baggage has no such key (or the call carried no baggage);
 *   <li>{@code get_all {}} answers {@code {"baggage":{"<k>":"<v>",...}}}, empty when none;
 *   <li>{@code set {key, value}} answers {@code {"success":true,"note":"..."}} like the reference
 *       and changes nothing: a result cannot carry baggage back to the caller (the engine echoes
 *       the caller's own), so propagation belongs to the SDK's invocation headers.
 * </ul>
 *
 * <p>Parsing follows W3C Baggage: comma-separated {@code key=value} members with optional {@code
 * ;property} suffixes (dropped), whitespace trimmed, values percent-decoded as UTF-8; members
 * without {@code =} or with an empty key are skipped, and a repeated key keeps its last value.
 * Missing or mistyped input fails with {@code deserialization_error}.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class BaggageFunctions {

  /** The note {@code engine::baggage::set} answers with, as the reference words it. */
  static final String SET_NOTE =
      "Baggage set in new context. For propagation, use SDK-level baggage headers.";

  BaggageFunctions(FunctionRegistry functions) {
    register(
        functions,
        "engine::baggage::get",
        "Read one baggage entry of the invocation by key, returning { value } (null if unset)",
        BaggageFunctions::get);
    register(
        functions,
        "engine::baggage::set",
        "Accept a baggage key/value for verification only; nothing is propagated to the caller",
        BaggageFunctions::set);
    register(
        functions,
        "engine::baggage::get_all",
        "Read all baggage entries of the invocation as a { baggage } map",
        BaggageFunctions::getAll);
  }

  private static void register(
      FunctionRegistry functions, String id, String description, BuiltinFunction function) {
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(id, description, null, null, null),
            InProcessWorker.OBSERVABILITY.workerName(),
            function));
  }

  private static JsonNode get(BuiltinCall call) {
    String key = call.requiredString("key");
    return Json.object().put("value", parse(call.baggage()).get(key)).build();
  }

  private static JsonNode set(BuiltinCall call) {
    call.requiredString("key");
    call.requiredString("value");
    return Json.object().put("success", true).put("note", SET_NOTE).build();
  }

  private static JsonNode getAll(BuiltinCall call) {
    call.object();
    Json entries = Json.object();
    parse(call.baggage()).forEach(entries::put);
    return Json.object().put("baggage", entries.build()).build();
  }

  /** The entries of a W3C baggage header, in order of first appearance. */
  static Map<String, String> parse(@Nullable String baggage) {
    Map<String, String> entries = new LinkedHashMap<>();
    if (baggage == null) {
      return entries;
    }
    for (String member : baggage.split(",", -1)) {
      int properties = member.indexOf(';');
      String pair = properties < 0 ? member : member.substring(0, properties);
      int eq = pair.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = pair.substring(0, eq).trim();
      if (!key.isEmpty()) {
        entries.put(key, percentDecode(pair.substring(eq + 1).trim()));
      }
    }
    return entries;
  }

  /** Decodes {@code %XX} escapes as UTF-8; malformed escapes stay as they are, {@code +} too. */
  private static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length) {
        int high = Character.digit(raw[i + 1], 16);
        int low = Character.digit(raw[i + 2], 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high * 16 + low);
          i += 2;
          continue;
        }
      }
      bytes.write(raw[i]);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
