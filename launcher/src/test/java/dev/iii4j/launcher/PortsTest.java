package dev.iii4j.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void aFreePortPassesWithoutWaiting() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    List<String> said = new ArrayList<>();

    Ports.requireFree("test", port, Duration.ofSeconds(5), said::add);

    assertThat(said).isEmpty();
  }

  @Test
  void aListenerIsAConflictReportedAtOnce() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();

      assertThatThrownBy(
              () ->
                  Ports.requireFree(
                      "the thing", listener.getLocalPort(), Duration.ofSeconds(30), s -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "port " + listener.getLocalPort() + " for the thing is already in use");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPortHeldByAClosedClientConnectionIsWaitedForNotReportedInUse() throws Exception {
    int clientPort = clientPortInTimeWait();
    List<String> said = new ArrayList<>();

    // TIME_WAIT lasts a minute: with a short wait the check gives up, naming the real cause.
    assertThatThrownBy(
            () -> Ports.requireFree("the thing", clientPort, Duration.ofSeconds(1), said::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("still held by a closed connection (TIME_WAIT)");
    assertThat(said).singleElement().asString().contains("waiting for the system to release it");
  }

  /** The client side closes first, so its (ephemeral) port stays in TIME_WAIT. */
  private static int clientPortInTimeWait() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket();
      client.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      int port = client.getLocalPort();
      try (Socket accepted = server.accept()) {
        client.close();
        // Read the client's FIN before closing our side, so the client ends in TIME_WAIT.
        assertThat(accepted.getInputStream().read()).isEqualTo(-1);
      }
      return port;
    }
  }
}
