package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Moves the slot along while the captured tables are idle and the database writes other WAL.
 * PostgreSQL 15+ sends nothing for transactions that touch no published table, so nothing would
 * tell the task that the WAL before the server's position holds no change for it. Every heartbeat
 * interval, if the server's WAL position is past what was confirmed, the task writes a
 * non-transactional logical decoding message with the prefix {@value #PREFIX}; it arrives in WAL
 * order after everything committed before it, so once it and every record before it are
 * acknowledged, its position can be confirmed. It becomes no record.
 */
final class Heartbeat implements AutoCloseable {
  static final String PREFIX = "pgcdc-heartbeat";

  private final ConnectionSettings settings;
  private final long intervalNanos;
  private long lastNanos = System.nanoTime();
  private Connection connection;

  Heartbeat(ConnectionSettings settings, long intervalNanos) {
    this.settings = settings;
    this.intervalNanos = intervalNanos;
  }

  /**
   * Writes a heartbeat message when the interval has passed and the WAL moved past {@code
   * confirmed}.
   */
  void maybeEmit(long confirmed) throws SQLException {
    long now = System.nanoTime();
    if (now - lastNanos < intervalNanos) {
      return;
    }
    lastNanos = now;
    if (connection == null || connection.isClosed()) {
      connection = settings.open();
      connection.setAutoCommit(true);
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT pg_logical_emit_message(false, ?, '') WHERE pg_current_wal_lsn() > ?::pg_lsn")) {
      ps.setString(1, PREFIX);
      ps.setString(2, new Lsn(confirmed).toString());
      ps.executeQuery().close();
    }
  }

  @Override
  public void close() {
    Closeables.closeQuietly(connection); // nothing depends on this connection
    connection = null;
  }
}
