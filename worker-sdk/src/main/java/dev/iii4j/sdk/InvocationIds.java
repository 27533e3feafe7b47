package dev.iii4j.sdk;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Invocation ids: random (version 4) UUIDs, as the protocol expects, drawn from the calling
 * thread's {@link ThreadLocalRandom}. {@link UUID#randomUUID()} reads the operating system's
 * entropy through one lock shared by every caller, which showed in the profile of 64 calls in
 * flight; an invocation id only has to be unique among the calls in flight, not secret (the engine
 * accepts a result only from the connection the call was sent to).
 */
final class InvocationIds {
  private InvocationIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }
}
