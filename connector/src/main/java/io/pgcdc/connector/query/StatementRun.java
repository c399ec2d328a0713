package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Date;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One run of a statement query (DELETE, UPDATE, CALL, DDL): the statement in a transaction of its
 * own, then one result record saying how it went. A failed statement is rolled back and reported in
 * its record (status {@code error}, with SQLSTATE and message); it does not stop the task.
 */
final class StatementRun {
  static final Schema KEY_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.query.ResultKey")
          .field("query", Schema.STRING_SCHEMA)
          .build();
  static final Schema RESULT_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.query.Result")
          .field("query", Schema.STRING_SCHEMA)
          .field("fire_time", Timestamp.SCHEMA)
          .field("status", Schema.STRING_SCHEMA)
          .field("rows", Schema.OPTIONAL_INT64_SCHEMA)
          .field("duration_ms", Schema.INT64_SCHEMA)
          .field("sqlstate", Schema.OPTIONAL_STRING_SCHEMA)
          .field("message", Schema.OPTIONAL_STRING_SCHEMA)
          .build();

  private StatementRun() {}

  /**
   * Runs the statement of {@code spec} for the fire time {@code fireMillis}; with a {@code ledger}
   * ({@link Ledger}), only if the fire time is not in it yet (status {@code skipped} otherwise).
   */
  static SourceRecord run(Connection c, QuerySpec spec, long fireMillis, Ledger ledger)
      throws SQLException {
    long started = System.nanoTime();
    Struct result =
        new Struct(RESULT_SCHEMA).put("query", spec.name()).put("fire_time", new Date(fireMillis));
    if (ledger != null && !ledger.record(c, spec.name(), fireMillis)) {
      c.rollback();
      result
          .put("status", "skipped")
          .put("message", "this fire time already ran (it is in " + ledger.table() + ")")
          .put("duration_ms", (System.nanoTime() - started) / 1_000_000);
      return record(spec, fireMillis, result);
    }
    try (PreparedStatement ps = c.prepareStatement(spec.sql().sql())) {
      int i = 1;
      for (String name : spec.sql().names()) {
        ps.setObject(i++, spec.parameters().get(name), Types.OTHER);
      }
      ps.execute();
      long count = ps.getLargeUpdateCount();
      c.commit();
      result.put("status", "ok").put("rows", count < 0 ? null : count);
    } catch (SQLException e) {
      rollbackQuietly(c); // the ledger row too: the fire time did not run
      if (io.pgcdc.connector.common.PgErrors.isTransient(e) && isConnectionLost(e)) {
        throw e; // not known whether it ran: the task reconnects and reports it
      }
      result
          .put("status", "error")
          .put("sqlstate", e.getSQLState())
          .put("message", String.valueOf(e.getMessage()));
    }
    result.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
    return record(spec, fireMillis, result);
  }

  private static SourceRecord record(QuerySpec spec, long fireMillis, Struct result) {
    QueryOffset done = new QueryOffset(spec.fingerprint(), fireMillis, true, null, null);
    return new SourceRecord(
        QueryOffset.partition(spec.name()),
        done.toMap(),
        spec.topic(),
        null,
        KEY_SCHEMA,
        new Struct(KEY_SCHEMA).put("query", spec.name()),
        RESULT_SCHEMA,
        result,
        fireMillis);
  }

  /**
   * The table where each statement run records its fire time, in the statement's transaction: a
   * fire time already there ran (and committed) before, and does not run again.
   */
  record Ledger(String table) {
    /** Creates the table if it is missing; {@code table} is quoted already. */
    static Ledger create(Connection c, List<String> name) throws SQLException {
      String table = String.join(".", name.stream().map(Identifiers::quote).toList());
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " (query text NOT NULL, fire_time timestamptz NOT NULL,"
                + " ran_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (query, fire_time))");
      }
      c.commit();
      return new Ledger(table);
    }

    /** Records the fire time; false if it was there (the run happened). */
    boolean record(Connection c, String query, long fireMillis) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (query, fire_time) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, query);
        ps.setTimestamp(2, new java.sql.Timestamp(fireMillis));
        return ps.executeUpdate() == 1;
      }
    }
  }

  private static boolean isConnectionLost(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone: nothing was committed
    }
  }
}
