package dev.iii4j.sdk;

import dev.iii4j.protocol.UpgradeHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link EngineWorker} connects to the engine. Immutable; create it with {@link
 * #builder(URI)}, which fills in the defaults below and runs {@link #validate()}.
 *
 * @param engineUrl the engine's control socket, {@code ws://} or {@code wss://}, used exactly as
 *     given (the engine serves workers at path {@code /})
 * @param workerName the name reported in {@code engine::workers::register}; null means {@code
 *     <host>:<pid>}
 * @param serviceToken sent as upgrade header {@value #SERVICE_TOKEN_HEADER} when set
 * @param headers further upgrade headers, sent as given
 * @param invocationTimeout the default client-side timeout of {@link EngineWorker#call} and {@link
 *     EngineWorker#enqueue}
 * @param reconnectInitialDelay the first reconnect delay; it doubles per failed attempt
 * @param reconnectMaxDelay the cap of the reconnect delay (before jitter)
 * @param connectTimeout the deadline of the WebSocket opening handshake
 */
public record WorkerOptions(
    URI engineUrl,
    @Nullable String workerName,
    @Nullable String serviceToken,
    Map<String, String> headers,
    Duration invocationTimeout,
    Duration reconnectInitialDelay,
    Duration reconnectMaxDelay,
    Duration connectTimeout) {

  /** The upgrade header that carries {@link #serviceToken()}. */
  public static final String SERVICE_TOKEN_HEADER = UpgradeHeaders.SERVICE_TOKEN;

  /** Default of {@link #invocationTimeout()}: 30 s, as the Node SDK. */
  public static final Duration DEFAULT_INVOCATION_TIMEOUT = Duration.ofSeconds(30);

  /** Default of {@link #reconnectInitialDelay()}: 200 ms. */
  public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofMillis(200);

  /** Default of {@link #reconnectMaxDelay()}: 30 s, as the Node SDK. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);

  /** Default of {@link #connectTimeout()}: 10 s, as the Node SDK. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  // The JDK WebSocket client sets these itself and rejects them from callers.
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  /**
   * Copies the header map and checks that required components are present. Semantic checks are in
   * {@link #validate()}.
   *
   * @throws NullPointerException when a required component is null
   */
  public WorkerOptions {
    Objects.requireNonNull(engineUrl, "engineUrl");
    headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    Objects.requireNonNull(invocationTimeout, "invocationTimeout");
    Objects.requireNonNull(reconnectInitialDelay, "reconnectInitialDelay");
    Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /**
   * A builder with every default set.
   *
   * @param engineUrl the engine's control socket, for example {@code ws://localhost:49134}
   */
  public static Builder builder(URI engineUrl) {
    return new Builder(engineUrl);
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder(engineUrl);
    b.workerName = workerName;
    b.serviceToken = serviceToken;
    b.headers.putAll(headers);
    b.invocationTimeout = invocationTimeout;
    b.reconnectInitialDelay = reconnectInitialDelay;
    b.reconnectMaxDelay = reconnectMaxDelay;
    b.connectTimeout = connectTimeout;
    return b;
  }

  /**
   * Checks the options: a {@code ws}/{@code wss} URL with a host, positive durations, an initial
   * reconnect delay not above the maximum, non-blank names, and no header the WebSocket handshake
   * sets itself.
   *
   * @return these options
   * @throws IllegalArgumentException naming the first problem found
   */
  public WorkerOptions validate() {
    String scheme = engineUrl.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))
        || engineUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "engineUrl must be an absolute ws:// or wss:// URL with a host: " + engineUrl);
    }
    if (workerName != null && workerName.isBlank()) {
      throw new IllegalArgumentException("workerName must not be blank");
    }
    if (serviceToken != null && serviceToken.isBlank()) {
      throw new IllegalArgumentException("serviceToken must not be blank");
    }
    requirePositive(invocationTimeout, "invocationTimeout");
    requirePositive(reconnectInitialDelay, "reconnectInitialDelay");
    requirePositive(reconnectMaxDelay, "reconnectMaxDelay");
    requirePositive(connectTimeout, "connectTimeout");
    if (reconnectInitialDelay.compareTo(reconnectMaxDelay) > 0) {
      throw new IllegalArgumentException(
          "reconnectInitialDelay ("
              + reconnectInitialDelay
              + ") must not exceed reconnectMaxDelay ("
              + reconnectMaxDelay
              + ")");
    }
    for (String name : headers.keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (name.isBlank()) {
        throw new IllegalArgumentException("header names must not be blank");
      }
      if (RESTRICTED_HEADERS.contains(lower) || lower.startsWith("sec-websocket-")) {
        throw new IllegalArgumentException("header " + name + " is set by the WebSocket client");
      }
      if (lower.equals(UpgradeHeaders.FRAMES)) {
        throw new IllegalArgumentException("header " + name + " is set by the SDK");
      }
      if (serviceToken != null && lower.equals(SERVICE_TOKEN_HEADER)) {
        throw new IllegalArgumentException(
            "header " + SERVICE_TOKEN_HEADER + " is given twice; use serviceToken(...) only");
      }
    }
    return this;
  }

  /**
   * All upgrade headers: {@link #headers()}, the service token header when set, and the request for
   * binary frames ({@link UpgradeHeaders#FRAMES}; engines that do not know it send text, which the
   * SDK reads as well).
   */
  public Map<String, String> upgradeHeaders() {
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (serviceToken != null) {
      all.put(SERVICE_TOKEN_HEADER, serviceToken);
    }
    all.put(UpgradeHeaders.FRAMES, UpgradeHeaders.BINARY_FRAMES);
    return all;
  }

  /** Like the record's, but the service token and header values are masked. */
  @Override
  public String toString() {
    return "WorkerOptions[engineUrl="
        + engineUrl
        + ", workerName="
        + workerName
        + ", serviceToken="
        + (serviceToken == null ? "null" : "***")
        + ", headers="
        + headers.keySet()
        + ", invocationTimeout="
        + invocationTimeout
        + ", reconnectInitialDelay="
        + reconnectInitialDelay
        + ", reconnectMaxDelay="
        + reconnectMaxDelay
        + ", connectTimeout="
        + connectTimeout
        + "]";
  }

  private static void requirePositive(Duration d, String name) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** Mutable builder of {@link WorkerOptions}; not thread-safe. */
  public static final class Builder {
    private final URI engineUrl;
    private @Nullable String workerName;
    private @Nullable String serviceToken;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration invocationTimeout = DEFAULT_INVOCATION_TIMEOUT;
    private Duration reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    private Builder(URI engineUrl) {
      this.engineUrl = Objects.requireNonNull(engineUrl, "engineUrl");
    }

    /** The name reported to the engine; default {@code <host>:<pid>}. */
    public Builder workerName(String workerName) {
      this.workerName = workerName;
      return this;
    }

    /** A service token, sent as header {@value WorkerOptions#SERVICE_TOKEN_HEADER}. */
    public Builder serviceToken(String serviceToken) {
      this.serviceToken = serviceToken;
      return this;
    }

    /** Adds (or replaces) one upgrade header. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Default client-side timeout of calls; default {@link #DEFAULT_INVOCATION_TIMEOUT}. */
    public Builder invocationTimeout(Duration invocationTimeout) {
      this.invocationTimeout = invocationTimeout;
      return this;
    }

    /** First reconnect delay; default {@link #DEFAULT_RECONNECT_INITIAL_DELAY}. */
    public Builder reconnectInitialDelay(Duration reconnectInitialDelay) {
      this.reconnectInitialDelay = reconnectInitialDelay;
      return this;
    }

    /** Reconnect delay cap; default {@link #DEFAULT_RECONNECT_MAX_DELAY}. */
    public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
      this.reconnectMaxDelay = reconnectMaxDelay;
      return this;
    }

    /** Handshake deadline; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * The options, validated.
     *
     * @throws IllegalArgumentException when {@link WorkerOptions#validate()} fails
     * @throws NullPointerException when a duration was set to null
     */
    public WorkerOptions build() {
      return new WorkerOptions(
              engineUrl,
              workerName,
              serviceToken,
              headers,
              invocationTimeout,
              reconnectInitialDelay,
              reconnectMaxDelay,
              connectTimeout)
          .validate();
    }
  }
}
