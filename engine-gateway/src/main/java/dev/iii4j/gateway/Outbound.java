package dev.iii4j.gateway;

import dev.iii4j.protocol.Message;

/**
 * The sending side of one worker connection, as the engine sees it. Implemented by the WebSocket
 * layer; sends are ordered per connection and never block.
 */
public interface Outbound {

  /**
   * Queues a message for the worker.
   *
   * @return false when the connection is already closing, so the message cannot be delivered
   */
  boolean send(Message message);

  /** Closes the connection with a WebSocket close code and reason. Idempotent. */
  void close(int code, String reason);

  /** Whether messages can still be queued. */
  boolean isOpen();
}
