package io.pgcdc.connector.query;

import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;

/** What a failed run means to a user: which query, which setting, what to do. */
final class QueryErrors {
  private QueryErrors() {}

  static ConnectException describe(QuerySpec spec, String user, SQLException e) {
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
    return new ConnectException(
        "Query "
            + spec.name()
            + " failed: "
            + e.getMessage()
            + " (SQLSTATE "
            + state
            + ")"
            + (advice == null ? "" : ": " + advice),
        e);
  }
}
