package dev.iii4j.stream.jdbc;

import dev.iii4j.ops.JsonText;
import dev.iii4j.stream.ChangeFeed;
import dev.iii4j.stream.ChangeListener;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeFeed} on PostgreSQL {@code LISTEN iii_stream}: one dedicated connection (outside the
 * pool) and one thread per replica. PostgreSQL delivers the notifications of committed transactions
 * in commit order, and {@link JdbcStreamStore} notifies inside the writing transaction, so the
 * listener sees every replica's changes in commit order. A notification carries the message itself
 * as this service writes it, or {@code !} and the message as the database wrote it (a delete's: its
 * members in another order and spacing, rewritten here before clients get it), or {@code #<id>} of
 * the outbox row that holds a large one.
 *
 * <p>When the connection is lost, the feed reconnects after {@code feed-reconnect-delay} and tells
 * the listener about the gap (notifications are not queued for a listener that is away).
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class PgChangeFeed implements ChangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(PgChangeFeed.class);
  private static final int POLL_MILLIS = 500;
  private static final Duration KEEPALIVE = Duration.ofSeconds(10);

  private final String url;
  private final Properties credentials = new Properties();
  private final ChangeListener listener;
  private final JdbcStreamStore store;
  private final Duration reconnectDelay;
  private final Object lock = new Object();
  private volatile boolean running;
  private volatile boolean connected;
  private Thread thread;
  private Connection connection;

  PgChangeFeed(
      @Property(name = "datasources.default.url") String url,
      @Property(name = "datasources.default.username") Optional<String> username,
      @Property(name = "datasources.default.password") Optional<String> password,
      ChangeListener listener,
      JdbcStreamStore store,
      StreamProperties properties) {
    this.url = url;
    username.ifPresent(u -> credentials.setProperty("user", u));
    password.ifPresent(p -> credentials.setProperty("password", p));
    credentials.setProperty("ApplicationName", "iii stream-service change feed");
    this.listener = listener;
    this.store = store;
    this.reconnectDelay = properties.feedReconnectDelay();
  }

  @EventListener
  void onStartup(StartupEvent event) {
    start();
  }

  /** Starts listening; idempotent. */
  synchronized void start() {
    if (thread == null) {
      running = true;
      thread = Thread.ofPlatform().daemon().name("stream-change-feed").start(this::run);
    }
  }

  @Override
  public boolean connected() {
    return connected;
  }

  @PreDestroy
  synchronized void stop() {
    running = false;
    closeConnection();
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  private void run() {
    while (running) {
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        synchronized (lock) {
          connection = c;
        }
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + JdbcStreamStore.CHANNEL);
        }
        connected = true;
        LOG.info("change feed listening on {}", JdbcStreamStore.CHANNEL);
        // Changes committed while nobody listened were not seen: subscribers catch up.
        listener.onGap();
        listen(c);
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.warn(
              "change feed lost its database connection; reconnecting in {}: {}",
              reconnectDelay,
              e.getMessage());
        }
      } finally {
        connected = false;
        synchronized (lock) {
          connection = null;
        }
      }
      if (running) {
        try {
          Thread.sleep(reconnectDelay);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void listen(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastTraffic = System.nanoTime();
    while (running) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastTraffic = System.nanoTime();
        for (PGNotification notification : notifications) {
          deliver(notification.getParameter());
        }
      } else if (System.nanoTime() - lastTraffic > KEEPALIVE.toNanos()) {
        // A round trip notices a dead server that never closed the socket.
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastTraffic = System.nanoTime();
      }
    }
  }

  private void deliver(String payload) {
    try {
      if (payload.startsWith("#")) {
        Optional<StreamMessage> message = store.message(Long.parseLong(payload.substring(1)));
        if (message.isPresent()) {
          listener.onMessage(message.get(), message.get().toText());
        } else {
          LOG.warn("change feed: outbox row {} is gone (pruned?); message skipped", payload);
        }
      } else if (payload.startsWith(JdbcStreamStore.FROM_DATABASE)) {
        // Written by the database (a delete): clients get it as this service writes messages.
        StreamMessage message =
            StreamMessage.fromJson(
                JsonText.parse(payload.substring(JdbcStreamStore.FROM_DATABASE.length())));
        listener.onMessage(message, message.toText());
      } else {
        listener.onMessage(StreamMessage.fromJson(JsonText.parse(payload)), payload);
      }
    } catch (RuntimeException e) {
      // One bad notification must not stop the feed.
      LOG.warn("change feed: cannot deliver notification {}", abbreviate(payload), e);
    }
  }

  private void closeConnection() {
    synchronized (lock) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.debug("closing the change feed connection failed", e);
        }
      }
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
