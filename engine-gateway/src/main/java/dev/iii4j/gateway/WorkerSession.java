package dev.iii4j.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Message;
import io.micronaut.core.annotation.Nullable;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker connection: its identity, what it reported about itself, and the ids it registered.
 * Thread-safe; the registries hold sessions, never sockets.
 */
public final class WorkerSession {

  /** What a worker reported through {@code engine::workers::register}. */
  public record Description(
      @Nullable String name,
      @Nullable String description,
      @Nullable String version,
      @Nullable String runtime,
      @Nullable String os,
      @Nullable Long pid,
      @Nullable String isolation,
      @Nullable JsonNode telemetry) {
    static final Description EMPTY =
        new Description(null, null, null, null, null, null, null, null);
  }

  private final String workerId = UUID.randomUUID().toString();
  private final String reattachToken = UUID.randomUUID().toString();
  private final boolean trusted;
  private final @Nullable String ipAddress;
  private final long connectedAtMs = System.currentTimeMillis();
  private final Outbound outbound;
  private final Set<String> functionIds = ConcurrentHashMap.newKeySet();
  private final Set<String> triggerIds = ConcurrentHashMap.newKeySet();
  private final Set<String> triggerTypeIds = ConcurrentHashMap.newKeySet();
  private final Set<String> limitsReached = ConcurrentHashMap.newKeySet();
  private final Set<String> invocations = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cleanupStarted = new AtomicBoolean();
  private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();
  private final ListenerPolicy listener;
  private final HandshakeInfo handshake;
  private volatile Description description = Description.EMPTY;
  private volatile SessionAccess access = SessionAccess.PERMISSIVE;

  /**
   * A new session.
   *
   * @param outbound where messages to this worker go
   * @param trusted whether the connection presented the service token
   * @param ipAddress the peer address, if known
   * @param listener the rules of the listener it connected to
   * @param handshake what its upgrade request carried
   */
  public WorkerSession(
      Outbound outbound,
      boolean trusted,
      @Nullable String ipAddress,
      ListenerPolicy listener,
      HandshakeInfo handshake) {
    this.outbound = outbound;
    this.trusted = trusted;
    this.ipAddress = ipAddress;
    this.listener = listener;
    this.handshake = handshake;
  }

  /** A session on the default listener, without handshake details. */
  public WorkerSession(Outbound outbound, boolean trusted, @Nullable String ipAddress) {
    this(outbound, trusted, ipAddress, ListenerPolicy.open("main"), HandshakeInfo.NONE);
  }

  public ListenerPolicy listener() {
    return listener;
  }

  public HandshakeInfo handshake() {
    return handshake;
  }

  /** What this connection may do; permissive until its listener's auth decided otherwise. */
  public SessionAccess access() {
    return access;
  }

  public void grant(SessionAccess granted) {
    this.access = granted;
  }

  /** The function every call of this connection goes through (except engine::*), if any. */
  public @Nullable String middlewareFunctionId() {
    return listener.middlewareFunctionId();
  }

  /** The opaque context the listener's auth gave this connection, for middleware and hooks. */
  public JsonNode accessContext() {
    return access.context();
  }

  /** A function id as this connection knows it: without its registration prefix, if any. */
  public String unprefixed(String functionId) {
    return access.unprefixed(functionId);
  }

  public String workerId() {
    return workerId;
  }

  public String reattachToken() {
    return reattachToken;
  }

  /** Whether this connection may register built-in names. */
  public boolean trusted() {
    return trusted;
  }

  public @Nullable String ipAddress() {
    return ipAddress;
  }

  public long connectedAtMs() {
    return connectedAtMs;
  }

  public Description description() {
    return description;
  }

  public void describe(Description description) {
    this.description = description;
  }

  /** The name listings show: the reported name, else null. */
  public @Nullable String name() {
    return description.name();
  }

  /** Function ids this connection registered and did not unregister. */
  public Set<String> functionIds() {
    return functionIds;
  }

  /** Trigger ids this connection registered and did not unregister (for its limits). */
  public Set<String> triggerIds() {
    return triggerIds;
  }

  /** Trigger types this connection provides (for its limits). */
  public Set<String> triggerTypeIds() {
    return triggerTypeIds;
  }

  /** The kinds of limit this connection has reached, so each is logged once. */
  public Set<String> limitsReached() {
    return limitsReached;
  }

  /** Invocation ids this connection waits for or executes. */
  public Set<String> invocations() {
    return invocations;
  }

  /** Sends a message; false when the connection is closing. */
  public boolean send(Message message) {
    return outbound.send(message);
  }

  public boolean isOpen() {
    return outbound.isOpen() && !cleanupStarted.get();
  }

  public void close(int code, String reason) {
    outbound.close(code, reason);
  }

  /** Marks cleanup as started; true only for the first caller, who must run it. */
  public boolean beginCleanup() {
    return cleanupStarted.compareAndSet(false, true);
  }

  /** Completes when cleanup has run. */
  public CompletableFuture<Void> cleanedUp() {
    return cleanedUp;
  }

  @Override
  public String toString() {
    String name = description.name();
    return name == null ? workerId : workerId + " (" + name + ")";
  }
}
