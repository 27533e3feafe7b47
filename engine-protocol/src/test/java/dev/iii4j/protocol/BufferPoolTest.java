package dev.iii4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Jackson's working buffers outlive the virtual threads that use them. */
class BufferPoolTest {

  @Test
  void virtualThreadsShareJacksonsBuffers() throws Exception {
    MessageCodec codec = new MessageCodec();
    var m = new Message.InvokeFunction("i", "f", Json.parse("{\"n\":1}"));
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 3; i++) {
        threads.submit(() -> codec.decode(codec.encodeToBytes(m)).toString()).get();
      }
    }
    // Each task ran on a new virtual thread and gave the buffers it used back to the shared pool
    // (Jackson's default, a thread-local, reports -1 here and allocates them for every thread).
    assertThat(Json.FACTORY._getRecyclerPool().pooledCount()).isPositive();
  }
}
