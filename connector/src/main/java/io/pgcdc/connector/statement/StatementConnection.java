package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * The task's connection, opened when first needed and after a failure: autocommit off, strings sent
 * as text of no declared type ({@code stringtype=unspecified}) so that PostgreSQL reads a string
 * parameter as the type the statement needs at its place, and the ledger table created once.
 */
final class StatementConnection implements AutoCloseable {
  private final ConnectionSettings settings;
  private Connection connection;
  private StatementRunner runner;
  private boolean ledgerReady;

  StatementConnection(ConnectionSettings settings) {
    this.settings = settings;
  }

  /** The open connection (in a transaction); creates the ledger table first when needed. */
  Connection get(OffsetLedger ledger) throws SQLException {
    if (connection == null) {
      connection = open(settings);
      runner = new StatementRunner(connection);
    }
    if (ledger != null && !ledgerReady) {
      ledger.create(connection);
      ledgerReady = true;
    }
    return connection;
  }

  /** The runner of the connection {@link #get} returned. */
  StatementRunner runner() {
    return runner;
  }

  /** Opens a connection as the task uses it. */
  static Connection open(ConnectionSettings settings) throws SQLException {
    Properties props = settings.properties();
    PGProperty.STRING_TYPE.set(props, "unspecified");
    // A batch of a one-row INSERT ... VALUES (...) goes as multi-row INSERTs: values still bound.
    PGProperty.REWRITE_BATCHED_INSERTS.set(props, true);
    Connection c = DriverManager.getConnection(settings.jdbcUrl(), props);
    c.setAutoCommit(false);
    return c;
  }

  /** Drops the connection after a failure; the next {@link #get} opens a new one. */
  void reset() {
    close();
  }

  @Override
  public void close() {
    if (runner != null) {
      runner.close();
      runner = null;
    }
    Closeables.closeQuietly(connection);
    connection = null;
  }
}
