package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.builtin.BuiltinFunction;

/** Who executes a function: a worker connection, or the engine itself. */
public sealed interface FunctionProvider {

  /** The definition this provider registered. */
  FunctionDefinition definition();

  /** Whether the provider can take calls now. */
  boolean available();

  /**
   * A function a worker connection registered.
   *
   * @param session the registrant
   * @param definition its definition
   */
  record Worker(WorkerSession session, FunctionDefinition definition) implements FunctionProvider {
    @Override
    public boolean available() {
      return session.isOpen();
    }
  }

  /**
   * A function the engine runs in-process.
   *
   * @param definition its definition
   * @param workerName the in-process worker listings name as its owner
   * @param function the implementation
   */
  record Builtin(FunctionDefinition definition, String workerName, BuiltinFunction function)
      implements FunctionProvider {
    @Override
    public boolean available() {
      return true;
    }
  }
}
