package dev.iii4j.gateway.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * An additional worker listener with its own access rules, bound from {@code
 * engine.gateway.listeners.<name>.*} (for example {@code ENGINE_GATEWAY_LISTENERS_PARTNERS_PORT}).
 * All listeners share one engine: functions registered on one are callable from every other.
 *
 * <p>A listener has RBAC when any of the auth function, expose filters or registration hooks is
 * set; see docs/gateway.md ("Listeners with RBAC") for the semantics.
 *
 * @param name the listener's name, from the configuration key
 * @param host bind address
 * @param port port; 0 picks a free one
 * @param middlewareFunctionId a function every call (except {@code engine::*}) is routed through
 * @param authFunctionId a function that authenticates each connection from its upgrade request
 * @param exposeFunctions which functions connections may call: {@code match(glob)} or a bare glob
 *     on the id, or {@code metadata.<key>=<value>} on the function's metadata
 * @param onFunctionRegistrationFunctionId hook asked before a function registration is applied
 * @param onTriggerRegistrationFunctionId hook asked before a trigger registration is applied
 * @param onTriggerTypeRegistrationFunctionId hook asked before a trigger type registration
 */
@EachProperty("engine.gateway.listeners")
public record ListenerProperties(
    @Parameter String name,
    @Bindable(defaultValue = "0.0.0.0") String host,
    int port,
    @Nullable String middlewareFunctionId,
    @Nullable String authFunctionId,
    @Nullable List<String> exposeFunctions,
    @Nullable String onFunctionRegistrationFunctionId,
    @Nullable String onTriggerRegistrationFunctionId,
    @Nullable String onTriggerTypeRegistrationFunctionId) {}
