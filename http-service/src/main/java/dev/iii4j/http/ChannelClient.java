package dev.iii4j.http;

import java.time.Duration;
import java.util.List;

/**
 * Port: streaming channels of the gateway ({@code engine::channels::mint}, {@code
 * engine::channels::open} and {@code /ws/channels/{id}}): the request body goes to the handler in
 * one channel, created with its content, and the handler's response may come back through another.
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
  record Ref(String channelId, String accessKey, String direction) {}

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
   * The two channels of one request.
   *
   * @param body the read end of the request-body channel, already written and ended
   * @param response both ends of the response channel
   * @param release whether the channels are to be {@link #release released} when the request is
   *     over (minted channels are not: the gateway sweeps them after their expiry)
   */
  record Opened(Ref body, Pair response, boolean release) {}

  /**
   * Opens a request's channels without waiting for the gateway. A request with a body gets ids and
   * keys chosen here and announced on the worker connection (the gateway's {@code
   * engine::channels::open} extension). A request without one gets minted channels: ids and keys
   * computed here under the connection's mint (registered once per connection with the gateway's
   * {@code engine::channels::mint} extension), which the gateway creates when a side first
   * connects. Either way the gateway applies the announcement before any frame this service sends
   * after it, so a call made after this method returns may carry the references.
   *
   * @param body the request body, the whole stream of the body channel (none when empty)
   * @param timeout the request's timeout: minted channels expire a grace period after it
   * @throws IllegalStateException when the worker is closed
   */
  Opened open(byte[] body, Duration timeout);

  /**
   * Drops channels this service created that are no longer needed (the gateway's {@code
   * engine::channels::release}), fire and forget, possibly a few milliseconds later together with
   * other requests' channels; ids of channels already gone are ignored.
   */
  void release(List<String> channelIds);

  /** Connects to a channel's read end and delivers its frames to {@code listener}. */
  Reading read(Ref reader, ReadListener listener);
}
