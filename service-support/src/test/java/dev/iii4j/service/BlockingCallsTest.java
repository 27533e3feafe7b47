package dev.iii4j.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.iii4j.sdk.FunctionHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockingCallsTest {

  @Test
  void runOnOneOfThePoolsOwnThreadsRunsInPlaceInsteadOfWaitingForAFreeThread() throws Exception {
    try (BlockingCalls calls = new BlockingCalls("nested", 1)) {
      // With one thread, handing the inner work to the pool would wait for itself forever.
      String thread =
          calls
              .supply(() -> calls.run(() -> Thread.currentThread().getName()))
              .get(10, TimeUnit.SECONDS);
      assertEquals("nested-jdbc-1", thread);
    }
  }

  @Test
  void runFromAnotherThreadRunsOnThePool() {
    try (BlockingCalls calls = new BlockingCalls("outer", 1)) {
      String thread = calls.run(() -> Thread.currentThread().getName());
      assertEquals("outer-jdbc-1", thread);
      assertNotEquals(Thread.currentThread().getName(), thread);
    }
  }

  @Test
  void aHandlerIsCalledOnTheSdksSocketThreadSinceHandingOverDoesNotBlock() {
    try (BlockingCalls calls = new BlockingCalls("handler", 1)) {
      // The SDK runs an OnListener handler in place instead of on a virtual thread of its own:
      // one wake-up less per call (the body still runs on the pool; the state tests cover that).
      assertInstanceOf(FunctionHandler.OnListener.class, calls.invocationHandler(in -> null));
      assertInstanceOf(FunctionHandler.OnListener.class, calls.handler(in -> null));
    }
  }
}
