package dev.iii4j.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Checks, before anything starts, that the stack's ports can be bound on 127.0.0.1.
 *
 * <p>A port can be unbindable for two reasons. Another process listens on it: that is a conflict,
 * reported at once. Or nobody listens, but the client side of a recently closed connection still
 * holds it in TIME_WAIT (Linux lends the ports of its ephemeral range, 32768-60999 by default, to
 * outgoing connections; `SO_REUSEADDR` does not let a listener take over such a port). That clears
 * by itself within a minute, so it is waited for, with a message, instead of failing the start.
 */
final class Ports {
  private static final Duration POLL = Duration.ofMillis(500);

  private Ports() {}

  /**
   * Returns when {@code port} can be bound; waits at most {@code closingWait} for a port held by a
   * closing connection, telling {@code progress} once that it waits.
   *
   * @throws IllegalStateException when a process listens on the port, or the wait runs out
   */
  static void requireFree(String what, int port, Duration closingWait, Consumer<String> progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + closingWait.toNanos();
    boolean told = false;
    while (!canBind(port)) {
      if (listening(port)) {
        throw new IllegalStateException(
            "port "
                + port
                + " for "
                + what
                + " is already in use; stop what holds it or choose another");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "port "
                + port
                + " for "
                + what
                + " is still held by a closed connection (TIME_WAIT) after "
                + closingWait.toSeconds()
                + " s; try again shortly or choose another");
      }
      if (!told) {
        progress.accept(
            "port "
                + port
                + " for "
                + what
                + " is held by a closing connection (TIME_WAIT); waiting for the system to release it");
        told = true;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
