package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.channel.StreamChannel;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.MintedChannels;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
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
 *
 * <p>A third one lets such a service announce channels without waiting for an answer: {@code
 * engine::channels::open {channels: [{channel_id, access_key, content_base64?, buffer_size?}]}}
 * creates channels under ids and keys the caller chose. It runs inline, in the caller's frame
 * order, so a call the caller sends next (with those channels in its payload) reaches its handler
 * only after they exist; callers send it fire-and-forget ({@code action: void}) and need no round
 * trip of their own.
 *
 * <p>A fourth one spares such a service announcing the channels of every request: {@code
 * engine::channels::mint {prefix, secret}} registers a mint owned by the calling connection, and
 * channels {@code prefix.K.N.E} keyed with HMAC-SHA256 under the secret then exist without any
 * announcement (see {@link ChannelRegistry}). Also inline and sent fire-and-forget.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class ChannelFunctions {
  /** Our extension: channels under caller-chosen ids and keys, created in frame order. */
  public static final String OPEN = "engine::channels::open";

  /** The shortest access key {@link #OPEN} accepts (a UUID's 36 characters pass). */
  static final int MIN_KEY_CHARS = 32;

  /** The longest channel id {@link #OPEN} accepts. */
  static final int MAX_ID_CHARS = 128;

  /** Our extension: registers a mint of channels the caller names and keys itself. */
  public static final String MINT = MintedChannels.FUNCTION;

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
            this::release,
            // Short and never blocking (closing a side only queues a close frame): no hand-off.
            true));
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(
                OPEN,
                "Create channels under ids and keys the caller chose, in its frame order",
                null,
                null,
                null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            this::open,
            true));
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(
                MINT,
                "Register a mint: channels the caller names and keys itself, created on first use",
                null,
                null,
                null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            this::mint,
            true));
  }

  private JsonNode mint(BuiltinCall call) {
    String prefix = call.requiredString("prefix");
    String secret = call.requiredString("secret");
    if (!ChannelRegistry.MINT_PREFIX.matcher(prefix).matches()) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS,
          MINT + ": `prefix` must be 16 to 64 characters of A-Z, a-z, 0-9, '-' and '_'");
    }
    byte[] secretBytes;
    try {
      secretBytes = Base64.getUrlDecoder().decode(secret);
    } catch (IllegalArgumentException e) {
      secretBytes = new byte[0];
    }
    if (secretBytes.length < ChannelRegistry.MIN_SECRET_BYTES
        || secretBytes.length > ChannelRegistry.MAX_SECRET_BYTES) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS,
          MINT
              + ": `secret` must be base64url of "
              + ChannelRegistry.MIN_SECRET_BYTES
              + " to "
              + ChannelRegistry.MAX_SECRET_BYTES
              + " bytes");
    }
    if (call.caller() == null) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS, MINT + ": only a worker connection may hold a mint");
    }
    ChannelRegistry.MintRefusal refusal = channels.mint(call.caller(), prefix, secretBytes);
    if (refusal == ChannelRegistry.MintRefusal.PREFIX_TAKEN) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS, MINT + ": prefix " + prefix + " is registered already");
    }
    if (refusal == ChannelRegistry.MintRefusal.TOO_MANY) {
      throw new BuiltinException(
          ErrorCode.LIMIT_EXCEEDED,
          MINT
              + ": a connection holds at most "
              + ChannelRegistry.MAX_MINTS_PER_CONNECTION
              + " mints");
    }
    return Json.object().put("prefix", prefix).build();
  }

  private JsonNode create(BuiltinCall call) {
    Integer bufferSize = bufferSize(call);
    byte[] content = content(call);
    StreamChannel channel =
        content != null
            ? channels.createFilled(call.caller(), content)
            : channels.create(call.caller(), bufferSize);
    return Json.object()
        .put("writer", ref(channel, "write"))
        .put("reader", ref(channel, "read"))
        .build();
  }

  /** One channel {@link #OPEN} is asked for, checked. */
  @SuppressWarnings("ArrayRecordComponent") // used once, right here
  private record Opening(
      String id, String accessKey, byte @Nullable [] content, @Nullable Integer bufferSize) {}

  private JsonNode open(BuiltinCall call) {
    List<Opening> openings = new ArrayList<>();
    JsonNode list = call.object().get("channels");
    if (list == null || !list.isArray()) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS, OPEN + ": `channels` must be an array of channels");
    }
    for (JsonNode item : list) {
      BuiltinCall entry = new BuiltinCall(call.functionId(), item, null, call.caller());
      String id = entry.requiredString("channel_id");
      String key = entry.requiredString("access_key");
      if (id.isBlank() || id.length() > MAX_ID_CHARS) {
        throw new BuiltinException(
            ErrorCode.INVALID_ARGUMENTS,
            OPEN + ": `channel_id` must have 1 to " + MAX_ID_CHARS + " characters");
      }
      if (key.length() < MIN_KEY_CHARS) {
        throw new BuiltinException(
            ErrorCode.INVALID_ARGUMENTS,
            OPEN + ": `access_key` must have at least " + MIN_KEY_CHARS + " characters");
      }
      openings.add(new Opening(id, key, content(entry), bufferSize(entry)));
    }
    List<String> opened = new ArrayList<>();
    for (Opening o : openings) {
      if (!channels.open(call.caller(), o.id(), o.accessKey(), o.content(), o.bufferSize())) {
        // All or nothing: a caller that gets this error has no channel to release.
        channels.release(call.caller(), opened);
        throw new BuiltinException(
            ErrorCode.INVALID_ARGUMENTS, OPEN + ": channel " + o.id() + " already exists");
      }
      opened.add(o.id());
    }
    return Json.object().put("opened", (long) openings.size()).build();
  }

  private static @Nullable Integer bufferSize(BuiltinCall call) {
    JsonNode size = call.object().get("buffer_size");
    if (size == null || size.isNull()) {
      return null;
    }
    if (!size.isNumber()
        || size.numberValue().doubleValue() != Math.rint(size.numberValue().doubleValue())) {
      throw BuiltinException.deserialization(
          call.functionId(), "invalid type for `buffer_size`: expected an integer");
    }
    return (int)
        Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, size.numberValue().longValue()));
  }

  private static byte @Nullable [] content(BuiltinCall call) {
    String content = call.optionalString("content_base64");
    if (content == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(content);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.deserialization(
          call.functionId(), "invalid `content_base64`: " + e.getMessage());
    }
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
