package io.pgcdc.connector.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Date;
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

  /** Runs the statement of {@code spec} for the fire time {@code fireMillis}. */
  static SourceRecord run(Connection c, QuerySpec spec, long fireMillis) throws SQLException {
    long started = System.nanoTime();
    Struct result =
        new Struct(RESULT_SCHEMA).put("query", spec.name()).put("fire_time", new Date(fireMillis));
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
      rollbackQuietly(c);
      if (io.pgcdc.connector.common.PgErrors.isTransient(e) && isConnectionLost(e)) {
        throw e; // not known whether it ran: the task reconnects and reports it
      }
      result
          .put("status", "error")
          .put("sqlstate", e.getSQLState())
          .put("message", String.valueOf(e.getMessage()));
    }
    result.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
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
