package dev.iii4j.gateway.builtin;

import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;

/**
 * Which function ids a caller may see in introspection answers. The gateway has no RBAC yet, so
 * {@link #ALL} is the only implementation; an RBAC listener (spec 3.16) would supply one per
 * session, and {@code engine::functions::list|info} already apply it ({@code FORBIDDEN} for a
 * single hidden id, an {@code "error":"forbidden"} entry in a batch, hidden rows in a listing).
 */
@FunctionalInterface
interface FunctionVisibility {

  /** Everything is visible to everyone. */
  FunctionVisibility ALL = (caller, functionId) -> true;

  /**
   * Whether the caller may see the function.
   *
   * @param caller the calling connection, null for engine-originated calls
   * @param functionId the function id
   */
  boolean visible(@Nullable WorkerSession caller, String functionId);
}
