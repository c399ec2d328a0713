package io.pgcdc.connector.query;

import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;

/** What a failed run means to a user: which query, which setting, what to do. */
final class QueryErrors {
  private QueryErrors() {}

  private static String where(QuerySpec spec, SQLException e, int prefix) {
    if (!(e instanceof org.postgresql.util.PSQLException pe)
        || pe.getServerErrorMessage() == null
        || pe.getServerErrorMessage().getPosition() <= prefix) {
      return null;
    }
    int inSql = spec.sql().sourcePosition(pe.getServerErrorMessage().getPosition() - prefix);
    return inSql > spec.sqlText().length()
        ? "the end"
        : io.pgcdc.connector.common.NamedParameters.lineAndColumn(spec.sqlText(), inSql);
  }

  /** pgjdbc adds the position on lines of its own, relative to the text that was sent. */
  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * The failure of a statement whose text had the query's SQL after {@code prefix} characters; a
   * server error with a position says where in the query's SQL it is.
   */
  static ConnectException describe(QuerySpec spec, String user, SQLException e, int prefix) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String advice =
        switch (state) {
          case "42601" -> "correct the SQL in " + spec.setting(QuerySpec.SQL);
          case "42501" ->
              "grant the privilege to "
                  + user
                  + " (e.g. GRANT SELECT ON the_table TO "
                  + user
                  + "), or connect as a user that has it";
          case "42P01" ->
              "check the table names in "
                  + spec.setting(QuerySpec.SQL)
                  + " (qualify them with their schema when it is not on the search_path)";
          case "42703" ->
              "check the column names in "
                  + spec.setting(QuerySpec.SQL)
                  + (spec.mode().usesTimestamp()
                      ? ", " + spec.setting(QuerySpec.TIMESTAMP_COLUMN)
                      : "")
                  + (spec.mode().usesIncrementing()
                      ? ", " + spec.setting(QuerySpec.INCREMENTING_COLUMN)
                      : "");
          case "42883", "42804", "22P02", "22007", "22008" ->
              "check the types of the query's parameters ("
                  + spec.setting(QuerySpec.PARAMETERS)
                  + "*), which are bound as text and read as the type the query needs there";
          case "57014" ->
              "the run took longer than "
                  + QuerySourceConfig.STATEMENT_TIMEOUT_CONFIG
                  + ": raise it, or make the query cheaper (an index on the columns of its mode)";
          default -> null;
        };
    String where = where(spec, e, prefix);
    return new ConnectException(
        "Query "
            + spec.name()
            + " failed: "
            + firstLine(e.getMessage())
            + (where == null ? "" : " (at " + where + " of " + spec.setting(QuerySpec.SQL) + ")")
            + " (SQLSTATE "
            + state
            + ")"
            + (advice == null ? "" : ": " + advice),
        e);
  }
}
