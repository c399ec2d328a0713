package io.pgcdc.connector.source.signal;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
      try (ResultSet rs = s.executeQuery("SELECT current_setting('standard_conforming_strings')")) {
        rs.next();
        if (!"on".equals(rs.getString(1))) {
          // Backslashes would escape quotes in plain strings: the text check reads them otherwise.
          throw bad(
              table,
              condition,
              "standard_conforming_strings is off for the connector's user; conditions are taken"
                  + " only with it on (the default)");
        }
      }
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

  /**
   * What keeps the task from setting up signals with {@code config}, by setting: PostgreSQL 14 or
   * later (pgoutput sends messages from 14 on), a schema the user may create in (or the function
   * there, owned by the user already), and roles that exist.
   */
  public static Map<String, String> settings(Connection c, PostgresSourceConfig config)
      throws SQLException {
    Map<String, String> errors = new LinkedHashMap<>();
    if (c.getMetaData().getDatabaseMajorVersion() < 14) {
      errors.put(
          PostgresSourceConfig.SIGNAL_ENABLED_CONFIG,
          "Signals need PostgreSQL 14 or later (pgoutput sends logical decoding messages from 14"
              + " on): upgrade, or set it to false");
    }
    String schema = config.signalSchema();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          errors.put(
              PostgresSourceConfig.SIGNAL_SCHEMA_CONFIG,
              "Schema " + schema + " does not exist: create it, or name another");
        } else if (!rs.getBoolean(1)) {
          errors.put(
              PostgresSourceConfig.SIGNAL_SCHEMA_CONFIG,
              "The connector's user may not create the signal function in schema "
                  + schema
                  + ": GRANT CREATE ON SCHEMA "
                  + Identifiers.quote(schema)
                  + " TO <the connector's user>, or name another schema");
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String role : config.signalRoles()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, role);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            missing.add(role);
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      errors.put(
          PostgresSourceConfig.SIGNAL_ROLES_CONFIG,
          "No such role: "
              + String.join(", ", missing)
              + " (role names are case-sensitive here: give them as pg_roles spells them)");
    }
    return errors;
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
