package dev.iii4j.gateway.builtin;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.channel.StreamChannel;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.tree.JsonNode;
import java.util.Base64;
import java.util.List;

/**
 * {@code engine::channels::create}: a streaming channel and the two references ({@code writer},
 * {@code reader}) that workers pass around in payloads. Unlike the reference, the channel belongs
 * to the connection that created it and is closed for both sides when that connection goes.
 *
 * <p>Two extensions of ours, for services that hand a known body to a function (http-service does
 * for every request): {@code content_base64} creates the channel with its stream already written
 * and ended, so no socket is needed to write it; {@code engine::channels::release {channel_ids}}
 * drops the caller's channels once they are no longer needed, instead of leaving unread ones to the
 * unclaimed sweep.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class ChannelFunctions {
  private final ChannelRegistry channels;

  ChannelFunctions(FunctionRegistry functions, ChannelRegistry channels) {
    this.channels = channels;
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(
                "engine::channels::create",
                "Create a streaming channel between workers",
                null,
                null,
                null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            this::create));
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(
                "engine::channels::release",
                "Drop channels this connection created before their stream ended",
                null,
                null,
                null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            this::release));
  }

  private JsonNode create(BuiltinCall call) {
    JsonNode input = call.object();
    JsonNode size = input.get("buffer_size");
    Integer bufferSize = null;
    if (size != null && !size.isNull()) {
      if (!size.isNumber()
          || size.getNumberValue().doubleValue()
              != Math.rint(size.getNumberValue().doubleValue())) {
        throw BuiltinException.deserialization(
            call.functionId(), "invalid type for `buffer_size`: expected an integer");
      }
      bufferSize =
          (int)
              Math.min(
                  Integer.MAX_VALUE,
                  Math.max(Integer.MIN_VALUE, size.getNumberValue().longValue()));
    }
    String content = call.optionalString("content_base64");
    StreamChannel channel;
    if (content != null) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(content);
      } catch (IllegalArgumentException e) {
        throw BuiltinException.deserialization(
            call.functionId(), "invalid `content_base64`: " + e.getMessage());
      }
      channel = channels.createFilled(call.caller(), bytes);
    } else {
      channel = channels.create(call.caller(), bufferSize);
    }
    return Json.object()
        .put("writer", ref(channel, "write"))
        .put("reader", ref(channel, "read"))
        .build();
  }

  private JsonNode release(BuiltinCall call) {
    List<String> ids = call.optionalStrings("channel_ids");
    int released = ids == null ? 0 : channels.release(call.caller(), ids);
    return Json.object().put("released", released).build();
  }

  private static JsonNode ref(StreamChannel channel, String direction) {
    return Json.object()
        .put("channel_id", channel.id())
        .put("access_key", channel.accessKey())
        .put("direction", direction)
        .build();
  }
}
