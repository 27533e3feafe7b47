package dev.iii4j.queue.kafka;

import dev.iii4j.queue.Destination;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka names of a destination. A user-facing name is encoded injectively into Kafka's legal
 * characters: ASCII letters, digits and {@code -} stay, every other byte of its UTF-8 form becomes
 * {@code _XX} (hex). So {@code orders} stays {@code orders}, {@code a.b} becomes {@code a_2Eb}, and
 * no name's topic can collide with another's retry or dead-letter topic.
 *
 * <pre>
 * named queue q:  &lt;prefix&gt;queue.&lt;q&gt;          messages    (group &lt;prefix&gt;queue.&lt;q&gt;)
 *                 &lt;prefix&gt;queue.&lt;q&gt;.retry    retries, gated by due time
 *                 &lt;prefix&gt;queue.&lt;q&gt;.dlq      dead letters (compacted, keyed by job id)
 * topic t:        &lt;prefix&gt;topic.&lt;t&gt;          one copy per subscribed function (header iii-fn)
 *                 &lt;prefix&gt;topic.&lt;t&gt;.retry / .dlq
 *                 group of function f: &lt;prefix&gt;sub.&lt;t&gt;+&lt;f&gt;
 * </pre>
 */
final class TopicNames {
  private final String prefix;

  TopicNames(String prefix) {
    this.prefix = prefix;
  }

  String main(Destination d) {
    return prefix + kind(d) + "." + encode(d.name());
  }

  String retry(Destination d) {
    return main(d) + ".retry";
  }

  String deadLetters(Destination d) {
    return main(d) + ".dlq";
  }

  String group(Destination d, String functionId) {
    return d.kind() == Destination.Kind.QUEUE
        ? main(d)
        : prefix + "sub." + encode(d.name()) + "+" + encode(functionId);
  }

  /** The prefix shared by the groups of every subscriber of a topic. */
  String subscriberGroupPrefix(Destination topic) {
    return prefix + "sub." + encode(topic.name()) + "+";
  }

  private static String kind(Destination d) {
    return d.kind() == Destination.Kind.QUEUE ? "queue" : "topic";
  }

  static String encode(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
        out.append(c);
      } else {
        out.append('_').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
