package dev.iii4j.gateway.builtin;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.channel.StreamChannel;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.tree.JsonNode;

/**
 * {@code engine::channels::create}: a streaming channel and the two references ({@code writer},
 * {@code reader}) that workers pass around in payloads. Unlike the reference, the channel belongs
 * to the connection that created it and is closed for both sides when that connection goes.
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
    StreamChannel channel = channels.create(call.caller(), bufferSize);
    return Json.object()
        .put("writer", ref(channel, "write"))
        .put("reader", ref(channel, "read"))
        .build();
  }

  private static JsonNode ref(StreamChannel channel, String direction) {
    return Json.object()
        .put("channel_id", channel.id())
        .put("access_key", channel.accessKey())
        .put("direction", direction)
        .build();
  }
}
