package io.pgcdc.it.query;

import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database of its own on the shared server, for a test of the timestamp modes: their bound waits
 * for the oldest open transaction of the database, and the test classes running beside it keep
 * transactions open for minutes (a CDC snapshot holds one for its whole copy).
 */
record OwnDatabase(PostgresServer pg, String name) implements AutoCloseable {
  static OwnDatabase create(PostgresServer pg, String prefix) {
    String name = pg.uniqueName(prefix);
    pg.execute("CREATE DATABASE " + name);
    return new OwnDatabase(pg, name);
  }

  Connection connect() throws SQLException {
    return pg.connect(name);
  }

  void execute(String... statements) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed in database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Drops the database; the connectors using it must be deleted first. */
  @Override
  public void close() {
    pg.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'",
        "DROP DATABASE IF EXISTS " + name);
  }
}
