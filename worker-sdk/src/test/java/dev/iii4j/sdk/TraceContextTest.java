package dev.iii4j.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceContextTest {

  @Test
  void newTraceparentsAreSampledVersion00WithFreshIds() {
    Set<String> traceIds = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String traceparent = TraceContext.newTraceparent();
      assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
      // All-zero ids are invalid in W3C trace context.
      assertThat(traceparent).doesNotContain("-0000000000000000-");
      traceIds.add(TraceContext.traceId(traceparent));
    }
    assertThat(traceIds).hasSize(1000);
  }

  @Test
  void traceIdIsTheSecondFieldAndRejectsWhatIsNotATraceparent() {
    assertThat(TraceContext.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThatThrownBy(() -> TraceContext.traceId("00-abc-01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a traceparent");
  }
}
