package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.PgErrors;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What a failed write means for the records in it: whether the error belongs to one record (found
 * by bisection), to one target table (its records are bad records), or to everything (a retry, or
 * the task stops); and the server's message as a user reads it.
 */
final class WriteErrors {
  private static final Pattern COPY_COLUMN = Pattern.compile("column ([^:]+):");

  /** The SQLSTATEs that belong to one table; see {@link #isTableLevel}. */
  private static final Set<String> TABLE_STATES =
      Set.of(
          "42501", // insufficient_privilege
          "42P01", // undefined_table
          "42703", // undefined_column
          "42804", // datatype_mismatch
          "42809", // wrong_object_type
          "55000" // object_not_in_prerequisite_state
          );

  private WriteErrors() {}

  /** Data problems of single rows: bad values, constraint violations, rows too large. */
  static boolean isRecordLevel(Throwable e) {
    String state = PgErrors.sqlState(e);
    return state != null
        && (state.startsWith("22")
            || state.startsWith("23")
            || state.startsWith("21")
            || state.equals("54000"));
  }

  /**
   * An error a write can go around: it belongs to one record or one table, is not worth a retry,
   * and is not a change of a table under us that reloading the metadata (the first retry) mends.
   */
  static boolean isolatable(Throwable e, int attempt) {
    return !PgErrors.isTransient(e)
        && (isRecordLevel(e) || isTableLevel(e))
        && !(isStaleMetadata(e) && attempt == 0);
  }

  /**
   * Problems of one target table: a missing privilege on it (or on its schema or sequence), a table
   * or column that does not exist, a column type that does not fit, an object that is not a table,
   * a table that cannot take the statement (a delete without replica identity). A database that
   * denies temporary tables denies them for every table: that is not one table's problem.
   */
  static boolean isTableLevel(Throwable e) {
    String state = PgErrors.sqlState(e);
    return state != null && TABLE_STATES.contains(state) && !deniesTemporaryTables(e);
  }

  private static boolean deniesTemporaryTables(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
        return "InitTempTableNamespace".equals(p.getServerErrorMessage().getRoutine());
      }
    }
    return false;
  }

  /** A table or column changed under us (dropped or altered): reload the metadata once. */
  static boolean isStaleMetadata(Throwable e) {
    String state = PgErrors.sqlState(e);
    return "42P01".equals(state) || "42703".equals(state) || "42804".equals(state);
  }

  /** The server's message with the column and context it names. */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
        ServerErrorMessage m = p.getServerErrorMessage();
        StringBuilder sb = new StringBuilder();
        String column = m.getColumn();
        if (column == null && m.getWhere() != null) {
          Matcher matcher = COPY_COLUMN.matcher(m.getWhere());
          column = matcher.find() ? matcher.group(1) : null;
        }
        if (column != null) {
          sb.append("column ").append(column).append(": ");
        }
        sb.append(m.getMessage());
        if (m.getDetail() != null) {
          sb.append(" (").append(m.getDetail()).append(')');
        }
        if (m.getWhere() != null) {
          sb.append(" [").append(m.getWhere()).append(']');
        }
        sb.append(" SQLSTATE ").append(m.getSQLState());
        return sb.toString();
      }
    }
    String state = PgErrors.sqlState(e);
    return e.getMessage() + (state == null ? "" : " SQLSTATE " + state);
  }
}
