package dev.iii4j.http;

import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Port: streaming channels of the gateway ({@code engine::channels::create} and {@code
 * /ws/channels/{id}}), used the way an SDK uses them: the service writes the request body into one
 * channel and reads the handler's response from another.
 *
 * <p>Threading: every method is non-blocking; listener callbacks of one reader run one at a time,
 * in frame order, on the adapter's threads.
 */
public interface ChannelClient {

  /**
   * One end of a channel, as the wire carries it.
   *
   * @param channelId the channel id
   * @param accessKey the key that opens the channel
   * @param direction {@code read} or {@code write}
   */
  record Ref(String channelId, String accessKey, String direction) {
    /** The {@code {channel_id, access_key, direction}} object of the wire. */
    public JsonNode toJson() {
      Map<String, JsonNode> m = new LinkedHashMap<>();
      m.put("channel_id", JsonNode.createStringNode(channelId));
      m.put("access_key", JsonNode.createStringNode(accessKey));
      m.put("direction", JsonNode.createStringNode(direction));
      return JsonNode.createObjectNode(m);
    }
  }

  /**
   * Both ends of a new channel.
   *
   * @param writer the end that writes
   * @param reader the end that reads
   */
  record Pair(Ref writer, Ref reader) {}

  /** What a reader receives. */
  interface ReadListener {
    /** A complete text frame. */
    void onText(String text);

    /**
     * A binary chunk. The adapter reads nothing more until {@code next} runs.
     *
     * @param next asks for the next frame; call it exactly once
     */
    void onBinary(byte[] chunk, Runnable next);

    /**
     * The channel ended; no more calls follow.
     *
     * @param normally true when the writer finished the stream, false when the channel was dropped,
     *     could not be opened, or failed
     */
    void onClosed(boolean normally);
  }

  /** A reader that can be given up. */
  interface Reading {
    /** Closes the reader (the gateway then drops the channel); idempotent. */
    void close();
  }

  /**
   * Creates a channel through the gateway.
   *
   * @return the channel's two ends; fails with the SDK's {@code WorkerException}
   */
  CompletableFuture<Pair> create();

  /**
   * Connects to a channel's write end, writes {@code bytes} as binary frames (none when empty) and
   * closes it, in the background. Failures are logged.
   */
  void writeAll(Ref writer, byte[] bytes);

  /** Connects to a channel's read end and delivers its frames to {@code listener}. */
  Reading read(Ref reader, ReadListener listener);
}
