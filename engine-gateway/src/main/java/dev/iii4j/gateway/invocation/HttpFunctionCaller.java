package dev.iii4j.gateway.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.httpfn.HttpFunctionsProperties;
import dev.iii4j.gateway.httpfn.HttpInvocation;
import dev.iii4j.gateway.httpfn.UrlGuard;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.ProtocolException;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls HTTP-invoked functions (spec 3.3): one request per invocation with the payload as the JSON
 * body, the {@code x-iii-*} headers, the configured headers and the auth header, no redirects, the
 * function's timeout; the response mapped to an outcome by the spec's table. The URL is checked
 * again before every call. Auth secrets are read from their environment variables at call time.
 */
@Singleton
public final class HttpFunctionCaller {
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(408, "Request Timeout"),
          Map.entry(409, "Conflict"),
          Map.entry(410, "Gone"),
          Map.entry(413, "Payload Too Large"),
          Map.entry(415, "Unsupported Media Type"),
          Map.entry(422, "Unprocessable Entity"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"));

  private final UrlGuard guard;
  private final HttpFunctionsProperties properties;
  private final MessageCodec codec;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .executor(executor)
          .build();

  HttpFunctionCaller(UrlGuard guard, HttpFunctionsProperties properties, MessageCodec codec) {
    this.guard = guard;
    this.properties = properties;
    this.codec = codec;
  }

  /** Whether workers may register HTTP-invoked functions. */
  public boolean enabled() {
    return properties.enabled();
  }

  /**
   * Checks an invocation at registration: its URL and that its auth variables are set.
   *
   * @return why it is refused, or empty
   */
  public Optional<ErrorBody> admit(HttpInvocation invocation) {
    Optional<String> refused = guard.check(invocation.url());
    if (refused.isPresent()) {
      return Optional.of(ErrorCode.URL_VALIDATION_FAILED.body(refused.get()));
    }
    for (String variable : invocation.variables()) {
      if (secret(variable) == null) {
        return Optional.of(
            ErrorCode.INVALID_HTTP_INVOCATION.body(
                "auth variable " + variable + " is not set in the engine's environment"));
      }
    }
    return Optional.empty();
  }

  /**
   * Makes one call.
   *
   * @return the outcome; never completes exceptionally
   */
  public CompletableFuture<Outcome> call(
      HttpInvocation invocation, String functionId, @Nullable JsonNode data) {
    Optional<String> refused = guard.check(invocation.url());
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(
          Outcome.failed(ErrorCode.URL_VALIDATION_FAILED.body(refused.get())));
    }
    byte[] body = codec.writeJson(data).getBytes(StandardCharsets.UTF_8);
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(invocation.url())
            .timeout(Duration.ofMillis(invocation.timeoutMs()))
            .method(invocation.method(), HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header("x-iii-Function-Path", functionId)
            .header("x-iii-Invocation-ID", UUID.randomUUID().toString())
            .header("x-iii-Timestamp", timestamp);
    invocation.headers().forEach(request::setHeader);
    try {
      authenticate(invocation, request, timestamp, body);
    } catch (IllegalStateException e) {
      return CompletableFuture.completedFuture(
          Outcome.failed(ErrorCode.INVALID_HTTP_INVOCATION.body(e.getMessage())));
    }
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> error == null ? outcome(response) : transportFailure(error));
  }

  private void authenticate(
      HttpInvocation invocation, HttpRequest.Builder request, String timestamp, byte[] body) {
    switch (invocation.auth()) {
      case null -> {}
      case HttpInvocation.Auth.Bearer b ->
          request.setHeader("Authorization", "Bearer " + required(b.tokenKey()));
      case HttpInvocation.Auth.ApiKey a -> request.setHeader(a.header(), required(a.valueKey()));
      case HttpInvocation.Auth.Hmac h -> {
        String input = timestamp + ":" + Base64.getEncoder().encodeToString(body);
        request.setHeader("x-iii-Signature", "sha256=" + hmac(required(h.secretKey()), input));
      }
    }
  }

  static String hmac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable: " + e.getMessage(), e);
    }
  }

  private String required(String variable) {
    String value = secret(variable);
    if (value == null) {
      throw new IllegalStateException(
          "auth variable " + variable + " is not set in the engine's environment");
    }
    return value;
  }

  private @Nullable String secret(String variable) {
    String value = System.getenv(variable);
    if (value == null && properties.variables() != null) {
      // Configuration keys arrive normalized (HOOK_SECRET may become hook-secret).
      String wanted = normalized(variable);
      for (Map.Entry<String, String> entry : properties.variables().entrySet()) {
        if (normalized(entry.getKey()).equals(wanted)) {
          return entry.getValue();
        }
      }
    }
    return value;
  }

  private static String normalized(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]", "");
  }

  private Outcome outcome(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    byte[] body = response.body();
    boolean empty =
        body == null || body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank();
    if (status >= 200 && status < 300) {
      if (empty) {
        return Outcome.ok(null);
      }
      try {
        return Outcome.ok(codec.parseTree(new String(body, StandardCharsets.UTF_8)));
      } catch (ProtocolException e) {
        return Outcome.failed(ErrorCode.INVALID_RESPONSE.body(e.getMessage()));
      }
    }
    if (status < 400) {
      return Outcome.ok(empty ? null : parseOrNull(body));
    }
    JsonNode parsed = empty ? null : parseOrNull(body);
    JsonNode error = parsed != null && parsed.isObject() ? parsed.get("error") : null;
    if (error != null && error.isObject()) {
      JsonNode code = error.get("code");
      JsonNode message = error.get("message");
      return Outcome.failed(
          new ErrorBody(
              code != null && code.isTextual() ? code.textValue() : ErrorCode.HTTP_ERROR.wire(),
              message != null && message.isTextual()
                  ? message.textValue()
                  : "HTTP request failed"));
    }
    String reason = REASONS.get(status);
    return Outcome.failed(
        ErrorCode.HTTP_ERROR.body("HTTP " + status + (reason == null ? "" : " " + reason)));
  }

  private @Nullable JsonNode parseOrNull(byte[] body) {
    try {
      return codec.parseTree(new String(body, StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      return null;
    }
  }

  private static Outcome transportFailure(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof HttpTimeoutException) {
      return Outcome.failed(ErrorCode.HTTP_REQUEST_FAILED.body("request timed out: " + message));
    }
    if (cause instanceof IOException && message.contains("body")) {
      return Outcome.failed(ErrorCode.HTTP_RESPONSE_FAILED.body(message));
    }
    return Outcome.failed(ErrorCode.HTTP_REQUEST_FAILED.body(message));
  }

  @PreDestroy
  void stop() {
    client.shutdownNow();
    executor.shutdownNow();
  }
}
