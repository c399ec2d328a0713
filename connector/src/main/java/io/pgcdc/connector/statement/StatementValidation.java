package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.ConnectionChecks;
import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.NamedParameters;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.statement.StatementSinkConfig.MissingField;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;

/**
 * The statement sink's checks through the REST API: each template's parameters are ones records can
 * supply, each statement prepares on the server (parsed, its tables and columns looked up, nothing
 * run), the ledger table can be written, and a failed connection says what to change.
 */
final class StatementValidation {
  /** SQLSTATE indeterminate_datatype: a parameter whose type only a record's cast gives. */
  private static final String INDETERMINATE_DATATYPE = "42P18";

  /** Undefined table, column, function, object, schema: what a pending sql.files may create. */
  private static final java.util.Set<String> UNDEFINED_OBJECTS =
      java.util.Set.of("42P01", "42703", "42883", "42704", "3F000");

  private StatementValidation() {}

  static void check(StatementSinkConfig config, Config result) {
    Map<Operation, Template> templates = new HashMap<>();
    for (Map.Entry<Operation, String> e : config.templateTexts().entrySet()) {
      String setting = config.settingOf(e.getKey());
      try {
        Template t = Template.parse(setting, e.getValue());
        templates.put(e.getKey(), t);
        checkParameters(config, e.getKey(), t, result);
      } catch (IllegalArgumentException ex) {
        error(result, setting, ex.getMessage());
      }
    }
    ConnectionSettings settings;
    try {
      settings = config.connection("pgcdc-statement-validate");
    } catch (ConfigException e) {
      error(result, ConnectionConfig.URL_CONFIG, e.getMessage());
      return;
    }
    if (!ConnectionChecks.checkSslFiles(config, settings, result)) {
      return;
    }
    try (Connection c = StatementConnection.open(settings)) {
      c.setAutoCommit(true);
      boolean filesPending = checkSqlFiles(c, config.sqlFiles(), result);
      Map<String, Template> bySetting = new java.util.TreeMap<>();
      templates.values().forEach(t -> bySetting.put(t.setting(), t));
      for (Template t : bySetting.values()) {
        checkPrepares(c, t, filesPending, result);
      }
      if (config.exactlyOnce()) {
        checkLedger(c, config, result);
      }
    } catch (SQLException e) {
      ConnectionChecks.connectFailed(config, settings, e, result);
    }
  }

  /** Parameters that the records of {@code op} never have. */
  private static void checkParameters(
      StatementSinkConfig config, Operation op, Template t, Config result) {
    if (config.missingField() == MissingField.NULL) {
      return;
    }
    for (Parameter p : t.parameters()) {
      boolean noValue =
          op == Operation.TOMBSTONE
              && (p.root() == Parameter.Root.VALUE || p.root() == Parameter.Root.BEFORE);
      boolean noBefore = op == Operation.INSERT && p.root() == Parameter.Root.BEFORE;
      if (noValue || noBefore) {
        error(
            result,
            t.setting(),
            "The parameter :"
                + p.name()
                + " of "
                + t.setting()
                + " has no value in "
                + (noValue ? "a tombstone (it has a key only)" : "an insert (it has no before)")
                + ": give that operation a template of its own, or set "
                + StatementSinkConfig.MISSING_FIELD_CONFIG
                + "=null to bind NULL");
        return;
      }
    }
  }

  /** Each statement of the template is parsed and planned by the server (Parse and Describe). */
  private static void checkPrepares(Connection c, Template t, boolean filesPending, Config result) {
    List<String> statements = t.statements();
    for (int i = 0; i < statements.size(); i++) {
      String sql = NamedParameters.parse(statements.get(i)).sql(); // no casts: types unknown
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.getParameterMetaData();
      } catch (SQLException e) {
        if (INDETERMINATE_DATATYPE.equals(e.getSQLState())) {
          continue; // the casts of a record's typed values will say
        }
        if (filesPending && UNDEFINED_OBJECTS.contains(e.getSQLState())) {
          continue; // a file of sql.files that has not run yet may create it
        }
        error(
            result,
            t.setting(),
            (statements.size() > 1 ? "Statement " + (i + 1) + " of " : "The SQL of ")
                + t.setting()
                + " does not prepare on the server (SQLSTATE "
                + e.getSQLState()
                + "): "
                + e.getMessage());
      }
    }
  }

  /** The ledger table exists and may be written, or its schema lets the user create it. */
  private static void checkLedger(Connection c, StatementSinkConfig config, Config result)
      throws SQLException {
    String problem =
        OffsetLedger.problem(
            c,
            config.offsetsTable(),
            ", name another table in "
                + StatementSinkConfig.OFFSETS_TABLE_CONFIG
                + ", or set "
                + StatementSinkConfig.EXACTLY_ONCE_CONFIG
                + "=false (a crash may then run a record's statements again)");
    if (problem != null) {
      error(result, StatementSinkConfig.OFFSETS_TABLE_CONFIG, problem);
    }
  }

  /**
   * Each file is readable SQL, and unchanged since it ran unless reruns are allowed. True when a
   * file is still to run (new, or changed and to run again).
   */
  private static boolean checkSqlFiles(Connection c, SqlFiles files, Config result)
      throws SQLException {
    boolean pending = false;
    for (String path : files.paths()) {
      SqlFiles.Script script;
      try {
        script = SqlFiles.read(path);
      } catch (IllegalArgumentException e) {
        error(result, StatementSinkConfig.SQL_FILES_CONFIG, e.getMessage());
        continue;
      }
      String stored = files.storedIfAny(c, path);
      pending |= !script.sha256().equals(stored);
      if (stored != null && !stored.equals(script.sha256()) && !files.rerunChanged()) {
        error(
            result,
            StatementSinkConfig.SQL_FILES_CONFIG,
            "sql.files: "
                + path
                + " changed since it ran: restore it, or set "
                + StatementSinkConfig.SQL_FILES_RERUN_CONFIG
                + "=true to run it again");
      }
    }
    return pending;
  }

  static void error(Config result, String name, String message) {
    ConnectionChecks.error(result, name, message);
  }
}
