package dev.iii4j.cron;

import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload of one cron fire, which is also the condition function's input (spec section 3.2):
 * {@code {"trigger":"cron","job_id":<trigger id>,"scheduled_time":<tick>,"actual_time":<now>}}.
 *
 * <p>Both times are RFC 3339 in UTC with a {@code +00:00} offset. {@code scheduled_time} has no
 * fraction; {@code actual_time} has 0, 3, 6 or 9 fraction digits, the fewest that show every
 * non-zero digit (chrono's {@code to_rfc3339}).
 */
public final class CronPayload {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private CronPayload() {}

  /** The payload of the tick {@code scheduled} of job {@code jobId}, fired at {@code actual}. */
  public static JsonNode of(String jobId, Instant scheduled, Instant actual) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("trigger", JsonNode.createStringNode("cron"));
    fields.put("job_id", JsonNode.createStringNode(jobId));
    fields.put("scheduled_time", JsonNode.createStringNode(rfc3339(scheduled)));
    fields.put("actual_time", JsonNode.createStringNode(rfc3339(actual)));
    return JsonNode.createObjectNode(fields);
  }

  /** {@code 2026-01-01T02:00:00.004211+00:00}: UTC, fraction of 0, 3, 6 or 9 digits. */
  @SuppressWarnings("JavaInstantGetSecondsGetNano") // the seconds come from the formatter
  public static String rfc3339(Instant instant) {
    LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(SECONDS.format(utc));
    int nanos = instant.getNano();
    if (nanos != 0) {
      String digits = String.format("%09d", nanos);
      int length = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
      text.append('.').append(digits, 0, length);
    }
    return text.append("+00:00").toString();
  }
}
