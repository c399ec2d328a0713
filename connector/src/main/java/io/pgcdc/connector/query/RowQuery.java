package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;

/**
 * The SQL one run of a row query executes: the user's query as is in bulk mode; in the incremental
 * modes wrapped as a subquery, continued after the last row emitted and, in the timestamp modes,
 * bounded by a timestamp that no open transaction can still write below.
 */
final class RowQuery {
  /**
   * The bound of the timestamp modes: just before the start of the oldest transaction of this
   * database still open (a row it writes with now(), a default or a trigger has a timestamp at or
   * after that start), or the server's clock when none is; the clock less the delay when this user
   * cannot see other sessions' transactions. The second column says which.
   */
  static final String BOUND_SQL =
      "WITH me AS (SELECT pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')"
          + " OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS sees)"
          + " SELECT CASE WHEN me.sees THEN least(clock_timestamp(),"
          + " (SELECT min(xact_start) FROM pg_catalog.pg_stat_activity"
          + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
          + " AND xact_start IS NOT NULL"
          + " AND backend_type IN ('client backend', 'background worker')))"
          + " ELSE clock_timestamp() - ? * interval '1 millisecond' END, me.sees FROM me";

  private RowQuery() {}

  /** Where the user's SQL starts in the text a run of {@code spec} executes. */
  static int userOffset(QuerySpec spec) {
    return spec.statement() || spec.mode() == QueryMode.BULK ? 0 : WRAPPER.length();
  }

  private static final String WRAPPER = "SELECT * FROM (\n";

  /** The text of this run's statement; {@code limit} 0 for none. */
  static String sql(QuerySpec spec, boolean continued, long limit) {
    String user = stripSemicolons(spec.sql().sql());
    QueryMode mode = spec.mode();
    if (mode == QueryMode.BULK) {
      return user;
    }
    if (mode == QueryMode.XMIN) {
      return WRAPPER
          + user
          + "\n) AS pgcdc_query"
          + (continued ? " WHERE age(pgcdc_query.\"xmin\") <= age(?::xid)" : "");
    }
    String ts = mode.usesTimestamp() ? Identifiers.quote(spec.timestampColumn()) : null;
    String id = mode.usesIncrementing() ? Identifiers.quote(spec.incrementingColumn()) : null;
    StringBuilder sql =
        new StringBuilder("SELECT * FROM (\n").append(user).append("\n) AS pgcdc_query");
    String where =
        switch (mode) {
          case INCREMENTING -> continued ? id + " > ?" : null;
          case TIMESTAMP -> (continued ? ts + " > ? AND " : "") + ts + " < ?";
          case TIMESTAMP_INCREMENTING ->
              (continued ? "(" + ts + ", " + id + ") > (?, ?) AND " : "") + ts + " < ?";
          case BULK, XMIN -> throw new AssertionError();
        };
    if (where != null) {
      sql.append(" WHERE ").append(where);
    }
    sql.append(" ORDER BY ")
        .append(
            switch (mode) {
              case INCREMENTING -> id;
              case TIMESTAMP -> ts;
              default -> ts + ", " + id;
            });
    if (limit > 0 && mode != QueryMode.TIMESTAMP) {
      sql.append(" LIMIT ").append(limit);
    }
    return sql.toString();
  }

  /**
   * Binds the user's parameters, then the run's position and bound, all as text of no declared
   * type, which the server reads as the type the query needs there.
   */
  static void bind(PreparedStatement ps, QuerySpec spec, QueryOffset position, String bound)
      throws SQLException {
    int i = 1;
    for (String name : spec.sql().names()) {
      ps.setObject(i++, spec.parameters().get(name), Types.OTHER);
    }
    QueryMode mode = spec.mode();
    boolean continued = continued(spec, position);
    if (continued && mode.usesTimestamp()) {
      ps.setObject(i++, position.timestamp(), Types.OTHER);
    }
    if (continued && mode.usesIncrementing()) {
      ps.setObject(i++, position.incrementing(), Types.OTHER);
    }
    if (mode.usesTimestamp()) {
      ps.setObject(i, bound, Types.OTHER);
    }
    if (continued && mode == QueryMode.XMIN) {
      // the 32-bit transaction id of the 64-bit horizon, which age() compares modulo wraparound
      ps.setObject(i, Long.toString(Long.parseLong(position.horizon()) & 0xFFFFFFFFL), Types.OTHER);
    }
  }

  /** Whether the run goes on after a row emitted before. */
  static boolean continued(QuerySpec spec, QueryOffset position) {
    if (position == null) {
      return false;
    }
    return switch (spec.mode()) {
      case BULK -> false;
      case INCREMENTING -> position.incrementing() != null;
      case TIMESTAMP -> position.timestamp() != null;
      case TIMESTAMP_INCREMENTING ->
          position.timestamp() != null && position.incrementing() != null;
      case XMIN -> position.horizon() != null;
    };
  }

  /** The bound, as PostgreSQL prints it, and whether it comes from the open transactions. */
  record Bound(String text, boolean fromTransactions) {}

  static Bound bound(Connection c, Duration delay) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BOUND_SQL)) {
      ps.setLong(1, delay.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Bound(rs.getString(1), rs.getBoolean(2));
      }
    }
  }

  /**
   * The horizon of a snapshot taken now, before the run's own: every transaction below it had ended
   * then, so the run's snapshot sees all of them; the next run reads from it on.
   */
  static String horizon(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT txid_snapshot_xmin(txid_current_snapshot())::text");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String stripSemicolons(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }
}
