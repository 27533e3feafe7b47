package dev.iii4j.state;

/** The kind of change a {@code state} trigger reports, with its wire name ({@code event_type}). */
public enum StateEventType {
  /** A {@code set} or {@code update} on a key with no entry. */
  CREATED("state:created"),
  /** A {@code set} or {@code update} on an existing entry, even when the value did not change. */
  UPDATED("state:updated"),
  /** A {@code delete}, even of a key that did not exist. */
  DELETED("state:deleted");

  private final String wire;

  StateEventType(String wire) {
    this.wire = wire;
  }

  /** The wire name, for example {@code state:created}. */
  public String wire() {
    return wire;
  }

  /**
   * The type with the given wire name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static StateEventType fromWire(String wire) {
    for (StateEventType type : values()) {
      if (type.wire.equals(wire)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown state event type " + wire);
  }
}
