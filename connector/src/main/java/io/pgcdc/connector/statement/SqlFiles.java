package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.NamedParameters;
import io.pgcdc.connector.common.TableId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sql.files}: SQL scripts on the worker run before the first record, all in one
 * transaction, each once: a table of the database keeps each file's SHA-256, so that a restart
 * skips what ran, and a file changed since is an error unless {@code sql.files.rerun.changed}
 * allows running it again. A psql meta-command ({@code \i}, {@code \copy}...) or a transaction
 * control statement is refused before anything runs, not half way through.
 */
final class SqlFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SqlFiles.class);

  /** A backslash command at the start of a line: psql's, not SQL. */
  private static final Pattern META_COMMAND = Pattern.compile("(?m)^[ \\t]*(\\\\[A-Za-z!?]*)");

  private static final Pattern TRANSACTION_CONTROL =
      Pattern.compile("(?is)^(BEGIN|COMMIT|ROLLBACK|START\\s+TRANSACTION|END|ABORT)\\b.*");

  /** A script: its path as given, its text and checksum. */
  record Script(String path, String text, String sha256) {}

  private final List<String> paths;
  private final TableId table;
  private final boolean rerunChanged;

  SqlFiles(List<String> paths, TableId table, boolean rerunChanged) {
    this.paths = List.copyOf(paths);
    this.table = table;
    this.rerunChanged = rerunChanged;
  }

  /**
   * Reads and checks a file.
   *
   * @throws IllegalArgumentException naming the file: missing, unreadable, a meta-command
   */
  static Script read(String path) {
    String text;
    try {
      text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "sql.files: cannot read " + path + " on this worker (" + e + "): put it on every worker");
    }
    Matcher m = META_COMMAND.matcher(text);
    if (m.find()) {
      throw new IllegalArgumentException(
          "sql.files: "
              + path
              + " line "
              + line(text, m.start(1))
              + " has the psql meta-command "
              + m.group(1)
              + ", which is not SQL and cannot run here: write it in SQL (COPY ... FROM a file on"
              + " the server, or the statements of an \\i file in this one), or run it with psql");
    }
    for (String statement : NamedParameters.splitStatements(text)) {
      String code = withoutComments(statement);
      if (TRANSACTION_CONTROL.matcher(code).matches()) {
        throw new IllegalArgumentException(
            "sql.files: "
                + path
                + " controls the transaction ("
                + code.lines().findFirst().orElse("")
                + "): the files run in one transaction of their own; remove it");
      }
    }
    return new Script(path, text, sha256(text));
  }

  /** Runs what is due, in one transaction, committed; does nothing without files. */
  void run(Connection c) throws SQLException {
    if (paths.isEmpty()) {
      return;
    }
    List<Script> scripts = paths.stream().map(SqlFiles::read).toList();
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table.quoted()
              + " (file text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL)");
      c.commit();
      s.execute("LOCK TABLE " + table.quoted() + " IN EXCLUSIVE MODE"); // one task at a time
    }
    try {
      for (Script script : scripts) {
        runIfDue(c, script);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  private void runIfDue(Connection c, Script script) throws SQLException {
    String stored = stored(c, script.path());
    if (script.sha256().equals(stored)) {
      return;
    }
    if (stored != null && !rerunChanged) {
      throw new ConnectException(
          "sql.files: "
              + script.path()
              + " changed since it ran (SHA-256 "
              + stored
              + ", now "
              + script.sha256()
              + "): restore it, or set sql.files.rerun.changed=true to run it again");
    }
    LOG.info("Running {} (SHA-256 {})", script.path(), script.sha256());
    List<String> statements = NamedParameters.splitStatements(script.text());
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < statements.size(); i++) {
        try {
          s.execute(statements.get(i));
        } catch (SQLException e) {
          throw new ConnectException(
              "sql.files: statement "
                  + (i + 1)
                  + " of "
                  + script.path()
                  + " failed (SQLSTATE "
                  + e.getSQLState()
                  + "): "
                  + e.getMessage()
                  + "; nothing of the files was applied",
              e);
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table.quoted()
                + " (file, sha256, applied_at) VALUES (?, ?, now()) ON CONFLICT (file) DO UPDATE"
                + " SET sha256 = EXCLUDED.sha256, applied_at = now()")) {
      ps.setString(1, script.path());
      ps.setString(2, script.sha256());
      ps.executeUpdate();
    }
  }

  /** The checksum stored for {@code path}; null when it never ran or the table is missing. */
  String storedIfAny(Connection c, String path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return null;
        }
      }
    }
    return stored(c, path);
  }

  boolean rerunChanged() {
    return rerunChanged;
  }

  List<String> paths() {
    return paths;
  }

  private String stored(Connection c, String path) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT sha256 FROM " + table.quoted() + " WHERE file = ?")) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String withoutComments(String statement) {
    return statement.replaceAll("(?m)^\\s*--.*$", "").strip().toUpperCase(Locale.ROOT);
  }

  private static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
