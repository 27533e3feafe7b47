package dev.iii4j.service;

import io.micronaut.core.annotation.Nullable;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A transaction on a plain JDBC connection that may run again: the services' stores use it for a
 * write that reads and locks first (state's {@code update}, stream's {@code update} and its other
 * writes with an outbox row), with no more round trips than the statements themselves and the
 * commit (the driver sends {@code BEGIN} with the first statement).
 *
 * <p>Threading: the caller's thread, on a connection no one else uses meanwhile.
 */
public final class JdbcTransactions {
  /** How often {@link #run} runs a unit of work that keeps asking to run again. */
  public static final int MAX_ATTEMPTS = 100;

  private JdbcTransactions() {}

  /** A unit of work in a transaction; null asks for the transaction to run again. */
  @FunctionalInterface
  public interface Work<T> {
    /** The result to commit, or null to roll back and run again. */
    @Nullable
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction on {@code connection} until it answers non-null (rolling
   * back each attempt that answers null, for example an insert that met a row created meanwhile),
   * commits, and answers its result. The connection is in autocommit again afterwards.
   *
   * @throws SQLException what the work or the commit threw, after a rollback
   * @throws IllegalStateException when the work asked to run again {@link #MAX_ATTEMPTS} times
   */
  public static <T> T run(Connection connection, Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        T result;
        try {
          result = work.run();
          if (result != null) {
            connection.commit();
            return result;
          }
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
        connection.rollback();
      }
      throw new IllegalStateException("the write kept meeting concurrent changes");
    } finally {
      connection.setAutoCommit(true);
    }
  }
}
