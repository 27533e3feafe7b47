package dev.iii4j.gateway.invocation;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.protocol.ErrorBody;
import java.util.Optional;

/** Decides whether a connection may call a function; implemented by the access rules. */
public interface InvokeGuard {

  /** Empty when the call is allowed, else the error the caller receives. */
  Optional<ErrorBody> checkInvoke(WorkerSession session, String functionId);
}
