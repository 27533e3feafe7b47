package dev.iii4j.observability.export;

import io.micronaut.json.tree.JsonNode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;

/**
 * What every stored span, log record and metric carries to the SDK's exporters the same way: the
 * resource of the service that recorded it and its instrumentation scope, read from the stored
 * {@code instrumentation_scope_name} ({@code iii} when absent) and {@code
 * instrumentation_scope_version}.
 */
abstract class StoredData {
  private static final String DEFAULT_SCOPE = "iii";

  private final Resource resource;
  private final InstrumentationScopeInfo scope;

  StoredData(JsonNode doc, Resource resource) {
    this.resource = resource;
    JsonNode name = doc.get("instrumentation_scope_name");
    JsonNode version = doc.get("instrumentation_scope_version");
    this.scope =
        InstrumentationScopeInfo.builder(
                name == null || name.isNull() ? DEFAULT_SCOPE : name.coerceStringValue())
            .setVersion(version == null || version.isNull() ? null : version.coerceStringValue())
            .build();
  }

  public final Resource getResource() {
    return resource;
  }

  public final InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }
}
