package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.httpfn.HttpInvocation;

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
   * A function a worker registered whose handler is an HTTP endpoint (spec 3.3).
   *
   * @param session the registrant; its disconnect removes the function
   * @param definition its definition
   * @param invocation the endpoint and how to call it
   */
  record Http(WorkerSession session, FunctionDefinition definition, HttpInvocation invocation)
      implements FunctionProvider {
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
