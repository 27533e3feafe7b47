package dev.iii4j.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The error object of {@code invocationresult}, {@code triggerregistrationresult} and {@code error}
 * frames: {@code {"code","message","stacktrace"?}}. {@code stacktrace} is left out when absent,
 * never sent as {@code null} (the Node SDK would otherwise wrap the error as {@code UNKNOWN}).
 *
 * @param code a stable code; see {@link ErrorCode} for the ones the engine emits
 * @param message a human readable message
 * @param stacktrace an optional stack trace, as produced by the executing SDK
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(
    @JsonProperty("code") String code,
    @JsonProperty("message") String message,
    @JsonProperty("stacktrace") @Nullable String stacktrace) {

  /** Checks that code and message are present. */
  public ErrorBody {
    Require.present(code, "code");
    Require.present(message, "message");
  }

  /** An error without a stack trace. */
  public ErrorBody(String code, String message) {
    this(code, message, null);
  }
}
