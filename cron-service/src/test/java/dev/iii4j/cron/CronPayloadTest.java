package dev.iii4j.cron;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.serde.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The payload of spec section 3.2 and its RFC 3339 times. */
class CronPayloadTest {

  @Test
  void payloadHasTheSpecFields() throws Exception {
    String json =
        ObjectMapper.getDefault()
            .writeValueAsString(
                CronPayload.of(
                    "job-1",
                    Instant.parse("2026-01-01T02:00:00Z"),
                    Instant.parse("2026-01-01T02:00:00.004211Z")));
    assertThatJson(json)
        .isEqualTo(
            """
            {"trigger":"cron","job_id":"job-1",
             "scheduled_time":"2026-01-01T02:00:00+00:00",
             "actual_time":"2026-01-01T02:00:00.004211+00:00"}
            """);
  }

  @Test
  void fractionHasZeroThreeSixOrNineDigits() {
    assertThat(CronPayload.rfc3339(Instant.parse("2026-01-01T02:00:00Z")))
        .isEqualTo("2026-01-01T02:00:00+00:00");
    assertThat(CronPayload.rfc3339(Instant.parse("2026-01-01T02:00:00.120Z")))
        .isEqualTo("2026-01-01T02:00:00.120+00:00");
    assertThat(CronPayload.rfc3339(Instant.parse("2026-01-01T02:00:00.000001Z")))
        .isEqualTo("2026-01-01T02:00:00.000001+00:00");
    assertThat(CronPayload.rfc3339(Instant.parse("2026-01-01T02:00:00.000000001Z")))
        .isEqualTo("2026-01-01T02:00:00.000000001+00:00");
    assertThat(CronPayload.rfc3339(Instant.parse("2026-12-31T23:59:59.999999999Z")))
        .isEqualTo("2026-12-31T23:59:59.999999999+00:00");
  }

  @Test
  void timesParseBackAsRfc3339() {
    Instant actual = Instant.parse("2026-05-06T07:08:09.123456Z");
    assertThat(OffsetDateTime.parse(CronPayload.rfc3339(actual)).toInstant()).isEqualTo(actual);
  }
}
