package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.types.OutputSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * The one connection of a task, reused across runs and opened again after a loss. Values are read
 * as the text PostgreSQL prints under {@link OutputSettings} (binary transfer off), which is what
 * the CDC source converts; every run is a transaction of its own with the statement timeout set.
 */
final class QueryConnection implements AutoCloseable {
  private final ConnectionSettings settings;
  private final Duration statementTimeout;
  private Connection connection;

  QueryConnection(ConnectionSettings settings, Duration statementTimeout) {
    this.settings = settings;
    this.statementTimeout = statementTimeout;
  }

  /** The open connection, opened (again) when there is none. */
  Connection get() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = open(settings, statementTimeout);
    }
    return connection;
  }

  static Connection open(ConnectionSettings settings, Duration statementTimeout)
      throws SQLException {
    Properties props = settings.properties();
    PGProperty.BINARY_TRANSFER.set(props, false);
    Connection c = DriverManager.getConnection(settings.jdbcUrl(), props);
    try {
      OutputSettings.apply(c);
      try (Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = " + statementTimeout.toMillis());
      }
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      Closeables.closeQuietly(c);
      throw e;
    }
  }

  /** Drops the connection after a failure: the next run opens a new one. */
  void reset() {
    Closeables.closeQuietly(connection);
    connection = null;
  }

  @Override
  public void close() {
    reset();
  }
}
