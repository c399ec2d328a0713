package io.pgcdc.connector.common;

import java.sql.SQLException;
import java.util.Set;

/** Classifies PostgreSQL errors: which are worth a retry, and what they mean to a user. */
public final class PgErrors {
  private static final Set<String> TRANSIENT_STATES =
      Set.of(
          "40001", // serialization_failure
          "40P01", // deadlock_detected
          "55P03", // lock_not_available
          "57P01", // admin_shutdown
          "57P02", // crash_shutdown
          "57P03", // cannot_connect_now (starting up, shutting down)
          "53300", // too_many_connections
          "55006" // object_in_use (e.g. replication slot still active after a restart)
          );

  private PgErrors() {}

  /**
   * True for a lost or refused connection (SQLSTATE class 08), a serialization failure, a deadlock,
   * a server shutting down or restarting, or too many connections: a retry can succeed.
   */
  public static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
          return true;
        }
      }
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE of the first {@link SQLException} in the cause chain, or null. */
  public static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}
