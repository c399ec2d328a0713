package io.pgcdc.connector.source.signal;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of a signal's tables and condition, made where it is sent (the REST extension: the
 * caller gets the error) and where it is read (the task: a signal written by other means is checked
 * too, and ignored with the error logged).
 */
public final class SignalChecks {
  private SignalChecks() {}

  /**
   * The captured tables {@code names} name (table or schema.table, public by default); throws
   * {@link IllegalArgumentException} naming one that is not captured.
   */
  public static List<TableId> tables(List<String> names, List<TableId> captured) {
    List<TableId> found = new ArrayList<>();
    for (String name : names) {
      TableId t;
      try {
        t = TableId.parse(name, "public");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Table '" + name + "': " + e.getMessage());
      }
      if (!captured.contains(t)) {
        throw new IllegalArgumentException(
            "Table "
                + t
                + " is not captured by this connector: name one of "
                + captured
                + ", or add it to "
                + PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG
                + " (which copies it)");
      }
      if (!found.contains(t)) {
        found.add(t);
      }
    }
    return found;
  }

  /**
   * Checks that {@code condition} is one boolean expression on {@code table}: its text first
   * ({@link ConditionText}), then PostgreSQL plans {@code SELECT 1 FROM table WHERE (condition)} in
   * a read-only transaction, without running it. Throws {@link IllegalArgumentException} naming the
   * table and what to do.
   */
  public static void condition(Connection c, TableId table, String condition) throws SQLException {
    String problem = ConditionText.problem(condition);
    if (problem != null) {
      throw bad(table, condition, problem);
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION READ ONLY");
      s.execute("SET LOCAL statement_timeout = 10000");
      s.execute("EXPLAIN SELECT 1 FROM " + table.quoted() + " WHERE (\n" + condition + "\n)");
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state != null && (state.startsWith("42") || state.startsWith("22"))) {
        throw bad(table, condition, e.getMessage());
      }
      throw e;
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  private static IllegalArgumentException bad(TableId table, String condition, String why) {
    return new IllegalArgumentException(
        "Condition ("
            + condition
            + ") for table "
            + table
            + " is not one boolean expression on its columns: "
            + why
            + ". Give an SQL boolean expression such as id > 1000 AND status = 'open'");
  }
}
