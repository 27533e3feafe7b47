package dev.iii4j.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One frame of the iii worker protocol. Each record is named after its wire tag (the {@code type}
 * field, see {@link MessageCodec#typeOf(Message)}); its components carry the exact snake_case wire
 * names. Optional components are {@code @Nullable} and left out of the JSON when null, except where
 * a record says otherwise. Unknown fields are ignored on decode.
 *
 * <p>Records evolve by appending components at the end; a record's components are never reordered
 * or renamed.
 */
public sealed interface Message {

  /**
   * {@code registerfunction} (worker to engine): registers or replaces a function.
   *
   * @param id the function id
   * @param description optional description
   * @param requestFormat optional free-form request schema
   * @param responseFormat optional free-form response schema
   * @param metadata optional function metadata
   * @param invocation present for HTTP-invoked functions (kept opaque)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RegisterFunction(
      @JsonProperty("id") String id,
      @JsonProperty("description") @Nullable String description,
      @JsonProperty("request_format") @Nullable JsonNode requestFormat,
      @JsonProperty("response_format") @Nullable JsonNode responseFormat,
      @JsonProperty("metadata") @Nullable JsonNode metadata,
      @JsonProperty("invocation") @Nullable JsonNode invocation)
      implements Message {
    /** Checks that the id is present. */
    public RegisterFunction {
      Require.present(id, "id");
      requestFormat = Require.absentIfNull(requestFormat);
      responseFormat = Require.absentIfNull(responseFormat);
      metadata = Require.absentIfNull(metadata);
      invocation = Require.absentIfNull(invocation);
    }

    /** A plain function with an id only. */
    public RegisterFunction(String id) {
      this(id, null, null, null, null, null);
    }
  }

  /**
   * {@code unregisterfunction} (worker to engine).
   *
   * @param id the function id
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record UnregisterFunction(@JsonProperty("id") String id) implements Message {
    /** Checks that the id is present. */
    public UnregisterFunction {
      Require.present(id, "id");
    }
  }

  /**
   * {@code invokefunction} (both directions). {@code data} is always written, as {@code null} when
   * absent, because the Rust SDK requires the key. Encoded and decoded by hand (see {@link
   * MessageCodec}): a decoded payload keeps its text and is forwarded without re-encoding.
   *
   * @param invocationId the id results are matched by; absent means nobody waits for a result
   * @param functionId the target function
   * @param payload the payload {@code data} (absent and {@code null} are read as null)
   * @param traceparent W3C trace context
   * @param baggage W3C baggage
   * @param action absent for a synchronous call; never sent to executors
   * @param metadata per-invocation metadata, delivered to the handler beside the payload
   */
  record InvokeFunction(
      @Nullable String invocationId,
      String functionId,
      @Nullable Payload payload,
      @Nullable String traceparent,
      @Nullable String baggage,
      @Nullable TriggerAction action,
      @Nullable JsonNode metadata)
      implements Message {
    /** Checks that the function id is present. */
    public InvokeFunction {
      Require.present(functionId, "function_id");
    }

    /** A call with a payload tree. */
    public static InvokeFunction of(
        @Nullable String invocationId,
        String functionId,
        @Nullable JsonNode data,
        @Nullable String traceparent,
        @Nullable String baggage,
        @Nullable TriggerAction action,
        @Nullable JsonNode metadata) {
      return new InvokeFunction(
          invocationId, functionId, Payload.of(data), traceparent, baggage, action, metadata);
    }

    /** A synchronous call without trace context or metadata. */
    public InvokeFunction(String invocationId, String functionId, @Nullable JsonNode data) {
      this(invocationId, functionId, Payload.of(data), null, null, null, null);
    }

    /** The payload as a tree (parsed on first use); null when absent. */
    public @Nullable JsonNode data() {
      return Payload.treeOf(payload);
    }
  }

  /**
   * {@code invocationresult} (both directions). Exactly one of {@code result} and {@code error} is
   * set, or neither for a call that produced no value. Encoded and decoded by hand (see {@link
   * MessageCodec}): a decoded result keeps its text and is forwarded without re-encoding.
   *
   * @param invocationId the id of the call this answers
   * @param functionId the function that was called
   * @param value the value {@code result}, absent when the function produced none
   * @param error the failure, absent on success
   * @param traceparent W3C trace context
   * @param baggage W3C baggage
   */
  record InvocationResult(
      String invocationId,
      String functionId,
      @Nullable Payload value,
      @Nullable ErrorBody error,
      @Nullable String traceparent,
      @Nullable String baggage)
      implements Message {
    /**
     * Checks ids; drops a result beside an error. A JSON null result is kept: it is {@code
     * "result":null} on the wire, which the Node SDK resolves as {@code null} rather than {@code
     * undefined}. Whether to forward one is the engine's decision, not the codec's.
     */
    public InvocationResult {
      Require.present(invocationId, "invocation_id");
      Require.present(functionId, "function_id");
      if (value != null && error != null) {
        value = null;
      }
    }

    /** A result with a value tree. */
    public static InvocationResult of(
        String invocationId,
        String functionId,
        @Nullable JsonNode result,
        @Nullable ErrorBody error,
        @Nullable String traceparent,
        @Nullable String baggage) {
      return new InvocationResult(
          invocationId, functionId, Payload.of(result), error, traceparent, baggage);
    }

    /** The value as a tree (parsed on first use); null when absent. */
    public @Nullable JsonNode result() {
      return Payload.treeOf(value);
    }

    /** Whether the result is an explicit JSON {@code null} (as opposed to no result). */
    public boolean nullResult() {
      return value != null && value.isNull();
    }

    /** This result without an explicit JSON {@code null} (kept otherwise). */
    public InvocationResult withoutNullResult() {
      return nullResult()
          ? new InvocationResult(invocationId, functionId, null, error, traceparent, baggage)
          : this;
    }

    /** A successful result. */
    public static InvocationResult success(
        String invocationId, String functionId, @Nullable JsonNode result) {
      return of(invocationId, functionId, result, null, null, null);
    }

    /** A failed result. */
    public static InvocationResult failure(
        String invocationId, String functionId, ErrorBody error) {
      return new InvocationResult(invocationId, functionId, null, error, null, null);
    }

    /** This result with the given trace headers. */
    public InvocationResult withTrace(@Nullable String traceparent, @Nullable String baggage) {
      return new InvocationResult(invocationId, functionId, value, error, traceparent, baggage);
    }
  }

  /**
   * {@code registertriggertype} (worker to engine).
   *
   * @param id the trigger type id
   * @param description description; absent is read as {@code ""}
   * @param triggerRequestFormat optional schema of trigger configs (Rust SDK)
   * @param callRequestFormat optional schema of fire payloads (Rust SDK)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RegisterTriggerType(
      @JsonProperty("id") String id,
      @JsonProperty("description") @Nullable String description,
      @JsonProperty("trigger_request_format") @Nullable JsonNode triggerRequestFormat,
      @JsonProperty("call_request_format") @Nullable JsonNode callRequestFormat)
      implements Message {
    /** Checks the id; a missing description becomes empty. */
    public RegisterTriggerType {
      Require.present(id, "id");
      description = description == null ? "" : description;
      triggerRequestFormat = Require.absentIfNull(triggerRequestFormat);
      callRequestFormat = Require.absentIfNull(callRequestFormat);
    }

    /** A type with an id and a description. */
    public RegisterTriggerType(String id, String description) {
      this(id, description, null, null);
    }
  }

  /**
   * {@code unregistertriggertype} (worker to engine). The reference engine does not know it; this
   * engine removes the type if the sender provides it.
   *
   * @param id the trigger type id
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record UnregisterTriggerType(@JsonProperty("id") String id) implements Message {
    /** Checks that the id is present. */
    public UnregisterTriggerType {
      Require.present(id, "id");
    }
  }

  /**
   * {@code registertrigger} (worker to engine, and engine to the type's provider).
   *
   * @param id the trigger id, chosen by the registering SDK
   * @param triggerType the trigger type
   * @param functionId the function the trigger fires
   * @param config type-specific configuration; absent is read as null and written as null
   * @param metadata optional metadata delivered with each fire
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RegisterTrigger(
      @JsonProperty("id") String id,
      @JsonProperty("trigger_type") String triggerType,
      @JsonProperty("function_id") String functionId,
      @JsonProperty("config") @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable JsonNode config,
      @JsonProperty("metadata") @Nullable JsonNode metadata)
      implements Message {
    /** Checks the required fields. */
    public RegisterTrigger {
      Require.present(id, "id");
      Require.present(triggerType, "trigger_type");
      Require.present(functionId, "function_id");
      config = Require.absentIfNull(config);
      metadata = Require.absentIfNull(metadata);
    }
  }

  /**
   * {@code triggerregistrationresult}: a provider's answer to {@code registertrigger}, and the
   * engine's report of a failure to the registering worker (only failures are sent).
   *
   * @param id the trigger id
   * @param triggerType the trigger type
   * @param functionId the target function
   * @param error the failure, absent on success
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record TriggerRegistrationResult(
      @JsonProperty("id") String id,
      @JsonProperty("trigger_type") String triggerType,
      @JsonProperty("function_id") String functionId,
      @JsonProperty("error") @Nullable ErrorBody error)
      implements Message {
    /** Checks the id; missing type and function become empty strings. */
    public TriggerRegistrationResult {
      Require.present(id, "id");
      triggerType = triggerType == null ? "" : triggerType;
      functionId = functionId == null ? "" : functionId;
    }
  }

  /**
   * {@code unregistertrigger} (worker to engine; engine to provider, where the type is always set).
   *
   * @param id the trigger id
   * @param triggerType the trigger type, optional from workers
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record UnregisterTrigger(
      @JsonProperty("id") String id, @JsonProperty("trigger_type") @Nullable String triggerType)
      implements Message {
    /** Checks that the id is present. */
    public UnregisterTrigger {
      Require.present(id, "id");
    }
  }

  /**
   * {@code workerregistered} (engine to worker), always the first frame of a connection.
   *
   * @param workerId the connection's id
   * @param reattachToken the secret that proves this connection in a later {@code reattach}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record WorkerRegistered(
      @JsonProperty("worker_id") String workerId,
      @JsonProperty("reattach_token") @Nullable String reattachToken)
      implements Message {
    /** Checks that the worker id is present. */
    public WorkerRegistered {
      Require.present(workerId, "worker_id");
    }
  }

  /**
   * {@code reattach} (worker to engine): the worker reconnected and asks that its previous
   * connection be cleaned up before its registrations are replayed.
   *
   * @param previousWorkerId the worker id of the earlier connection
   * @param reattachToken the token issued to that connection
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Reattach(
      @JsonProperty("previous_worker_id") String previousWorkerId,
      @JsonProperty("reattach_token") @Nullable String reattachToken)
      implements Message {
    /** Checks that the previous id is present. */
    public Reattach {
      Require.present(previousWorkerId, "previous_worker_id");
    }
  }

  /** JSON {@code ping}; the engine answers {@link Pong}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Ping() implements Message {}

  /** JSON {@code pong}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Pong() implements Message {}

  /**
   * {@code registerservice} (worker to engine): bookkeeping only, no 0.22.1 SDK sends it.
   *
   * @param id the service id
   * @param name optional name
   * @param description optional description
   * @param parentServiceId optional parent
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RegisterService(
      @JsonProperty("id") String id,
      @JsonProperty("name") @Nullable String name,
      @JsonProperty("description") @Nullable String description,
      @JsonProperty("parent_service_id") @Nullable String parentServiceId)
      implements Message {
    /** Checks that the id is present. */
    public RegisterService {
      Require.present(id, "id");
    }
  }

  /**
   * {@code error} (engine to worker): sent once, before Close, when a connection is refused.
   *
   * @param error why
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ErrorFrame(@JsonProperty("error") ErrorBody error) implements Message {
    /** Checks that the error is present. */
    public ErrorFrame {
      Require.present(error, "error");
    }
  }

  /**
   * A frame whose {@code type} this engine does not know; kept so receivers can log it.
   *
   * @param type the unknown tag
   */
  record Unknown(String type) implements Message {}
}
