package dev.iii4j.stream;

/** Stream function arguments as JSON text, for readable tests. */
final class Items {
  private Items() {}

  /** {@code {"stream_name","group_id","item_id"}} plus extra JSON members. */
  static String item(String stream, String group, String item, String... extra) {
    StringBuilder b =
        new StringBuilder(
            "{\"stream_name\":\""
                + stream
                + "\",\"group_id\":\""
                + group
                + "\",\"item_id\":\""
                + item
                + "\"");
    for (String e : extra) {
      b.append(',').append(e);
    }
    return b.append('}').toString();
  }
}
