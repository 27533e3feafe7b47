package dev.iii4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void percentilesAreNearestRank() {
    long[] samples = new long[100];
    for (int i = 0; i < 100; i++) {
      samples[i] = 100 - i;
    }

    Stats stats = Stats.of(samples);

    assertThat(stats.count()).isEqualTo(100);
    assertThat(stats.p50()).isEqualTo(50);
    assertThat(stats.p99()).isEqualTo(99);
    assertThat(stats.max()).isEqualTo(100);
  }

  @Test
  void wrkOutputGivesRequestsPerSecondP50AndP99InMicroseconds() {
    List<String> lines =
        """
        Running 2s test @ http://127.0.0.1:1234/bench/1
          2 threads and 8 connections
          Latency Distribution
             50%  120.00us
             75%  200.00us
             90%  400.00us
             99%    2.50ms
          20000 requests in 2.00s, 1.50MB read
        Requests/sec:  10000.50
        Transfer/sec:    768.00KB
        """
            .lines()
            .toList();

    HttpBenchmarks.WrkResult result = HttpBenchmarks.parse(lines);

    assertThat(result.perSecond()).isEqualTo(10000.5);
    assertThat(result.p50Micros()).isEqualTo(120.0);
    assertThat(result.p99Micros()).isEqualTo(2500.0);
  }

  @Test
  void wrkFailedResponsesAreACrash() {
    List<String> lines =
        List.of(
            "     50%  1.00ms",
            "     99%  1.00ms", "  Non-2xx or 3xx responses: 12", "Requests/sec:  100.00");

    assertThatThrownBy(() -> HttpBenchmarks.parse(lines)).hasMessageContaining("12 failed");
  }

  @Test
  void prometheusSamplesAreSummedByNameAndLabel() {
    String page =
        """
        # HELP jvm_memory_used_bytes x
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 24.0
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5000.0
        iii_workers_connected 3.0
        iii_workers_connected_total 9.0
        """;

    assertThat(ScaleBenchmarks.sum(page, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(1024.0);
    assertThat(ScaleBenchmarks.sum(page, "iii_workers_connected", null)).isEqualTo(3.0);
    assertThatThrownBy(() -> ScaleBenchmarks.sum(page, "iii_missing", null))
        .hasMessageContaining("iii_missing");
  }

  @Test
  void nodeSamplesComeFromTheLastJsonLine() {
    List<String> lines = List.of("[iii] connected", "{\"samples_ns\":[3,1,2]}");

    assertThat(NodeBenchmarks.samples(lines)).containsExactly(3, 1, 2);
    assertThatThrownBy(() -> NodeBenchmarks.samples(List.of("nothing")))
        .hasMessageContaining("no samples");
  }

  @Test
  void optionsPickQuickSizesAndTheReportFolder() {
    Options quick = Options.parse(new String[] {"--quick", "--root", "/tmp/r", "--only", "b1,B7"});

    assertThat(quick.out().toString()).isEqualTo("/tmp/r/bench/target/bench-quick");
    assertThat(quick.runs("B1")).isTrue();
    assertThat(quick.runs("B7")).isTrue();
    assertThat(quick.runs("B2")).isFalse();
    assertThat(Options.parse(new String[] {"--root", "/tmp/r"}).out().toString())
        .isEqualTo("/tmp/r/bench/results");
    assertThatThrownBy(() -> Options.parse(new String[] {"--bogus"}))
        .hasMessageContaining("unknown option --bogus");
  }

  @Test
  void theQueueWarmUpLastsTwentySecondsInFullModeUnlessTold() {
    assertThat(Options.parse(new String[] {"--root", "/tmp/r"}).queueWarmupTime())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(Options.parse(new String[] {"--quick", "--root", "/tmp/r"}).queueWarmupTime())
        .isZero();
    assertThat(
            Options.parse(new String[] {"--root", "/tmp/r", "--queue-warmup-seconds", "3"})
                .queueWarmupTime())
        .isEqualTo(Duration.ofSeconds(3));
  }
}
