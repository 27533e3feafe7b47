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
   * @param inline whether the call runs at once on the thread that routes the caller's frame,
   *     before the caller's next frame is routed (for short functions that never block, whose
   *     effect a following frame relies on); otherwise it runs on a virtual thread
   */
  record Builtin(
      FunctionDefinition definition, String workerName, BuiltinFunction function, boolean inline)
      implements FunctionProvider {

    /** A built-in that runs on a virtual thread. */
    public Builtin(FunctionDefinition definition, String workerName, BuiltinFunction function) {
      this(definition, workerName, function, false);
    }

    @Override
    public boolean available() {
      return true;
    }
  }
}
