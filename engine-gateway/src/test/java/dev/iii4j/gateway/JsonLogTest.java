package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.iii4j.gateway.routing.MessageRouter;
import io.micronaut.serde.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The gateway's logback.xml (the same shape as every service's): LOG_FORMAT picks the encoder. */
class JsonLogTest {

  @Test
  void logFormatJsonWritesOneJsonObjectALineWithTheMdcIds() throws Exception {
    String out = logThroughTheShippedConfiguration("json");

    List<String> lines = out.lines().filter(l -> l.contains("hello json")).toList();
    assertThat(lines).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> line = ObjectMapper.getDefault().readValue(lines.get(0), Map.class);
    assertThat(line)
        .containsEntry("level", "INFO")
        .containsEntry("loggerName", "iii.test.json")
        .containsEntry("formattedMessage", "hello json 42");
    assertThat(line.get("mdc"))
        .isEqualTo(Map.of(MessageRouter.MDC_WORKER, "w-1", MessageRouter.MDC_INVOCATION, "inv-7"));
  }

  @Test
  void withoutLogFormatTheLinesAreText() throws Exception {
    String out = logThroughTheShippedConfiguration("text");

    assertThat(out).contains("INFO", "iii.test.json", "hello json 42", "worker_id=w-1");
    assertThat(out.strip()).doesNotStartWith("{");
  }

  private static String logThroughTheShippedConfiguration(String format) throws Exception {
    URL config = JsonLogTest.class.getClassLoader().getResource("logback.xml");
    assertThat(config).isNotNull();
    LoggerContext context = new LoggerContext();
    context.putProperty("LOG_FORMAT", format);
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      configurator.doConfigure(config);
      MDC.put(MessageRouter.MDC_WORKER, "w-1");
      MDC.put(MessageRouter.MDC_INVOCATION, "inv-7");
      try {
        context.getLogger("iii.test.json").info("hello json {}", 42);
      } finally {
        MDC.clear();
      }
    } finally {
      System.setOut(original);
      context.stop();
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
