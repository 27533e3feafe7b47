package dev.iii4j.service;

/**
 * The error codes the built-in services' own functions answer with, beside the protocol's {@link
 * dev.iii4j.protocol.ErrorCode} (which they use for everything the protocol defines, such as {@code
 * deserialization_error}) and the queue's {@code QueueErrorCode}. The wire values are the reference
 * engine's, upper case as it sends them; no service writes a code as a string literal.
 */
public enum ServiceErrorCode {
  /** state::set failed in the store. */
  STATE_SET_ERROR("SET_ERROR"),
  /** state::get failed in the store. */
  STATE_GET_ERROR("GET_ERROR"),
  /** state::delete failed in the store. */
  STATE_DELETE_ERROR("DELETE_ERROR"),
  /** state::update failed in the store. */
  STATE_UPDATE_ERROR("UPDATE_ERROR"),
  /** state::list failed in the store. */
  STATE_LIST_ERROR("LIST_ERROR"),
  /** state::list_groups failed in the store. */
  STATE_LIST_GROUPS_ERROR("LIST_GROUPS_ERROR"),
  /** state::set or state::update would store a value above engine.state.max-value-bytes. */
  VALUE_TOO_LARGE("VALUE_TOO_LARGE"),
  /** stream::set failed. */
  STREAM_SET_ERROR("STREAM_SET_ERROR"),
  /** stream::get failed. */
  STREAM_GET_ERROR("STREAM_GET_ERROR"),
  /** stream::delete failed. */
  STREAM_DELETE_ERROR("STREAM_DELETE_ERROR"),
  /** stream::get_group failed. */
  STREAM_GET_GROUP_ERROR("STREAM_GET_GROUP_ERROR"),
  /** stream::list_groups failed. */
  STREAM_LIST_GROUPS_ERROR("STREAM_LIST_GROUPS_ERROR"),
  /** stream::list_all failed. */
  STREAM_LIST_ALL_ERROR("STREAM_LIST_ALL_ERROR"),
  /** stream::send failed. */
  STREAM_SEND_ERROR("STREAM_SEND_ERROR"),
  /** stream::update failed. */
  STREAM_UPDATE_ERROR("STREAM_UPDATE_ERROR");

  private final String wire;

  ServiceErrorCode(String wire) {
    this.wire = wire;
  }

  /** The value sent as {@code error.code}. */
  public String wire() {
    return wire;
  }
}
