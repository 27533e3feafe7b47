package dev.iii4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payload texts written without a tree (spec section 4.3): valid JSON whatever the strings
 * hold, in the documented field order, with the channel refs only for the handler.
 */
class ApiRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWKWARD = "q\"uo\\te\n\u0001 \u00fc \uD83D\uDE00 </script>";

  private static Route route() {
    return Route.of("t", "fn", "post", "users/:id", null, List.of(), null);
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theHandlersPayloadIsJsonWithEveryStringEscaped() throws Exception {
    ChannelClient.Ref body = new ChannelClient.Ref("b-id", "b-key", "read");
    ChannelClient.Ref writer = new ChannelClient.Ref("r-id", "r-key", "write");
    ChannelClient.Ref reader = new ChannelClient.Ref("r-id", "r-key", "read");
    String text =
        ApiRequests.payload(
            route(),
            "POST",
            map("a", AWKWARD, AWKWARD, "b"),
            map("id", "7"),
            map("content-type", "application/json", "x-h", ""),
            io.micronaut.json.tree.JsonNode.createObjectNode(
                Map.of("n", io.micronaut.json.tree.JsonNode.createNumberNode(1))),
            new ChannelClient.Opened(body, new ChannelClient.Pair(writer, reader), true));

    JsonNode payload = JSON.readTree(text);
    assertThat(payload.properties().stream().map(Map.Entry::getKey).toList())
        .containsExactly(
            "query_params",
            "path_params",
            "headers",
            "path",
            "method",
            "body",
            "trigger",
            "request_body",
            "response");
    assertThat(payload.get("query_params").get("a").textValue()).isEqualTo(AWKWARD);
    assertThat(payload.get("query_params").get(AWKWARD).textValue()).isEqualTo("b");
    assertThat(payload.get("path_params").get("id").textValue()).isEqualTo("7");
    assertThat(payload.get("headers").get("x-h").textValue()).isEmpty();
    assertThat(payload.get("path").textValue()).isEqualTo("users/:id");
    assertThat(payload.get("method").textValue()).isEqualTo("POST");
    assertThat(payload.get("body").get("n").intValue()).isEqualTo(1);
    assertThat(payload.get("trigger").toString())
        .isEqualTo("{\"type\":\"http\",\"path\":\"users/:id\",\"method\":\"POST\"}");
    assertThat(payload.get("request_body").toString())
        .isEqualTo("{\"channel_id\":\"b-id\",\"access_key\":\"b-key\",\"direction\":\"read\"}");
    assertThat(payload.get("response").toString())
        .isEqualTo("{\"channel_id\":\"r-id\",\"access_key\":\"r-key\",\"direction\":\"write\"}");
  }

  @Test
  void theConditionsPayloadHasNoChannelsAndANullBody() throws Exception {
    JsonNode payload =
        JSON.readTree(
            ApiRequests.payload(route(), "GET", map(), map("id", "1"), map(), null, null));
    assertThat(payload.has("request_body")).isFalse();
    assertThat(payload.has("response")).isFalse();
    assertThat(payload.get("body").isNull()).isTrue();
    assertThat(payload.get("query_params").isEmpty()).isTrue();
  }

  @Test
  void theMiddlewareInputCarriesTheRequestWithoutBody() throws Exception {
    JsonNode input =
        JSON.readTree(
            ApiRequests.middlewareInput("GET", map("q", AWKWARD), map("id", "1"), map("h", "v")));
    assertThat(input.toString())
        .isEqualTo(
            "{\"phase\":\"preHandler\",\"request\":{\"path_params\":{\"id\":\"1\"},"
                + "\"query_params\":{\"q\":"
                + JSON.writeValueAsString(AWKWARD)
                + "},\"headers\":{\"h\":\"v\"},\"method\":\"GET\"},\"context\":{}}");
  }
}
