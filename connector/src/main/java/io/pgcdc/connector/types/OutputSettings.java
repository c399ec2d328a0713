package io.pgcdc.connector.types;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The session settings that fix how PostgreSQL prints values, which the codecs behind {@link
 * ColumnType} read: the same for COPY, for pgoutput and for a query's result, so that a value comes
 * out the same whichever way it was read.
 */
public final class OutputSettings {
  private OutputSettings() {}

  /** Sets them on {@code c} for the rest of its session. */
  public static void apply(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres';"
              + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
    }
  }
}
