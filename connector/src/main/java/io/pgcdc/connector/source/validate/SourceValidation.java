package io.pgcdc.connector.source.validate;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.SslMode;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.catalog.TableSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** The source's cross-field and database checks, reported on the setting they concern. */
public final class SourceValidation {
  private SourceValidation() {}

  /** Adds what is wrong with {@code config} against its database to {@code result}. */
  public static void check(PostgresSourceConfig config, Config result) {
    ConnectionSettings settings;
    try {
      settings = config.connection("pgcdc-source-validate");
    } catch (ConfigException e) {
      error(result, ConnectionConfig.URL_CONFIG, e.getMessage());
      return;
    }
    if (!checkSslFiles(config, settings, result)) {
      return;
    }
    try (Connection c = settings.open()) {
      checkServer(result, config, c);
      List<TableId> tables = checkTables(result, config, c);
      if (config.snapshotMode() != PostgresSourceConfig.SnapshotMode.INITIAL_ONLY) {
        SourceReplicationChecks.check(result, config, c, tables);
      }
    } catch (SQLException e) {
      ConnectionProblem problem = connectionProblem(e, settings.sslRootCert() != null);
      String cause = String.valueOf(e.getMessage());
      if (problem.advice() != null && cause.endsWith(".")) {
        cause = cause.substring(0, cause.length() - 1); // pgjdbc's messages end with one
      }
      error(
          result,
          givenAs(config, problem.setting()),
          "Could not connect to "
              + settings.describe()
              + ": "
              + cause
              + (problem.advice() == null ? "" : ". " + problem.advice()));
    }
  }

  /**
   * Reports a certificate or key file that the driver would read and that is missing or unreadable
   * on this worker, before connecting: the driver's own error names the file but reads as a network
   * failure. False if one is.
   */
  private static boolean checkSslFiles(
      PostgresSourceConfig config, ConnectionSettings settings, Config result) {
    SslMode mode = settings.sslMode();
    boolean ok = true;
    if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
      ok &= checkFile(config, result, ConnectionConfig.SSLROOTCERT_CONFIG, settings.sslRootCert());
    }
    if (mode != SslMode.DISABLE) {
      ok &= checkFile(config, result, ConnectionConfig.SSLCERT_CONFIG, settings.sslCert());
      ok &= checkFile(config, result, ConnectionConfig.SSLKEY_CONFIG, settings.sslKey());
    }
    return ok;
  }

  private static boolean checkFile(
      PostgresSourceConfig config, Config result, String setting, String path) {
    String problem = missingFile(setting, path);
    if (problem != null) {
      error(result, givenAs(config, setting), problem);
    }
    return problem == null;
  }

  /** What is wrong with the file a setting names, or null if it is readable (or not set). */
  static String missingFile(String setting, String path) {
    if (path == null) {
      return null;
    }
    Path file = Path.of(path);
    String state =
        !Files.exists(file)
            ? "does not exist"
            : Files.isDirectory(file)
                ? "is a directory"
                : Files.isReadable(file) ? null : "is not readable by the worker's user";
    return state == null
        ? null
        : "The file "
            + path
            + " ("
            + setting
            + ") "
            + state
            + " on this Connect worker: "
            + (setting.equals(ConnectionConfig.SSLROOTCERT_CONFIG)
                ? "put the PEM file of the CA that signed the server's certificate there, on every"
                    + " worker, or correct "
                : "put the file there, on every worker, or correct ")
            + setting;
  }

  /** The setting a connection problem is about, and what to do (null when there is no advice). */
  record ConnectionProblem(String setting, String advice) {}

  /**
   * What a failed connection is about: a server without SSL is the SSL mode's; a host name the
   * certificate does not name is the host's; a root certificate file the driver cannot read, or a
   * certificate it does not accept, the root certificate's (the SSL mode's when none was given); a
   * pg_hba.conf line that demands another encryption the SSL mode's; a failed login (SQLSTATE class
   * 28) the password's; a missing database the database's; anything else the host's. The driver's
   * messages never carry the password.
   */
  static ConnectionProblem connectionProblem(SQLException e, boolean rootCertGiven) {
    String message = String.valueOf(e.getMessage());
    ConnectionProblem ssl = sslProblem(e, message, rootCertGiven);
    return ssl != null ? ssl : loginProblem(e, message);
  }

  /** A problem with SSL: the server's, its certificate, or the CA given; null when none. */
  private static ConnectionProblem sslProblem(
      SQLException e, String message, boolean rootCertGiven) {
    if (message.contains("does not support SSL")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLMODE_CONFIG,
          "Turn on ssl in the server's postgresql.conf, or set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=disable to connect without SSL");
    }
    // pgjdbc's MakeSSL: "The hostname {0} could not be verified by hostnameverifier {1}.", SQLSTATE
    // 08006, with no SSLException cause: the handshake succeeded, the name check failed.
    if (message.contains("could not be verified by hostnameverifier")) {
      return new ConnectionProblem(
          ConnectionConfig.HOST_CONFIG,
          "The host name does not match the server's certificate (sslmode=verify-full): set "
              + ConnectionConfig.HOST_CONFIG
              + " to the name the certificate was issued for (one of its subject alternative"
              + " names), or set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=verify-ca to check only that the CA in "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + " signed it");
    }
    // pgjdbc's LibPQFactory: "Could not open (read) SSL root certificate file {0}."
    if (message.contains("SSL root certificate file")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLROOTCERT_CONFIG,
          "Set "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + " to a readable PEM file with the certificate of the CA that signed the server's"
              + " certificate");
    }
    if (isSsl(e)) {
      return new ConnectionProblem(
          rootCertGiven ? ConnectionConfig.SSLROOTCERT_CONFIG : ConnectionConfig.SSLMODE_CONFIG,
          "The server's certificate was not accepted: give the CA that signed it in "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + ", and for verify-full make connection.host the name in the certificate");
    }
    return null;
  }

  /** A problem with the address, pg_hba.conf, the user, the password or the database. */
  private static ConnectionProblem loginProblem(SQLException e, String message) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (message.contains("pg_hba.conf")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLMODE_CONFIG,
          "The server's pg_hba.conf admits no such connection: add a line for this user,"
              + " database and address and reload the server; if it admits SSL connections only"
              + " (hostssl), set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=require, if unencrypted ones only (hostnossl), "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=disable");
    }
    if (state.startsWith("28")) {
      return new ConnectionProblem(
          ConnectionConfig.PASSWORD_CONFIG,
          "Check " + ConnectionConfig.USER_CONFIG + " and " + ConnectionConfig.PASSWORD_CONFIG);
    }
    if (state.equals("3D000")) {
      return new ConnectionProblem(
          ConnectionConfig.DATABASE_CONFIG, "Check " + ConnectionConfig.DATABASE_CONFIG);
    }
    if (state.startsWith("08")) {
      return new ConnectionProblem(
          ConnectionConfig.HOST_CONFIG,
          "Check "
              + ConnectionConfig.HOST_CONFIG
              + " and "
              + ConnectionConfig.PORT_CONFIG
              + ", that the server runs and listens on that address (listen_addresses, port), and"
              + " that no firewall stands between the Connect worker and the server");
    }
    return new ConnectionProblem(ConnectionConfig.HOST_CONFIG, null);
  }

  private static boolean isSsl(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The setting itself, or the URL when the user gave the URL and not that setting. */
  private static String givenAs(PostgresSourceConfig config, String setting) {
    Map<String, Object> given = config.originals();
    return given.get(ConnectionConfig.URL_CONFIG) != null && given.get(setting) == null
        ? ConnectionConfig.URL_CONFIG
        : setting;
  }

  private static void checkServer(Config result, PostgresSourceConfig config, Connection c)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version_num')::int,"
                    + " current_setting('wal_level')")) {
      rs.next();
      if (rs.getInt(1) < 120000) {
        error(
            result,
            ConnectionConfig.HOST_CONFIG,
            "PostgreSQL " + rs.getInt(1) + " is too old: version 12 or later is needed");
      }
      if (config.snapshotMode() != PostgresSourceConfig.SnapshotMode.INITIAL_ONLY
          && !"logical".equals(rs.getString(2))) {
        error(
            result,
            PostgresSourceConfig.SNAPSHOT_MODE_CONFIG,
            "wal_level is "
                + rs.getString(2)
                + ": set wal_level = logical in postgresql.conf and restart the server (or set "
                + PostgresSourceConfig.SNAPSHOT_MODE_CONFIG
                + "=initial_only to copy the tables once, without streaming)");
      }
    }
  }

  private static List<TableId> checkTables(Config result, PostgresSourceConfig config, Connection c)
      throws SQLException {
    List<TableId> tables = Catalog.resolveTables(c, config.tableSelectors());
    for (TableSelector sel : config.tableSelectors()) {
      if (sel.table() != null && tables.stream().noneMatch(sel::matches)) {
        TableId id = new TableId(sel.schema(), sel.table());
        error(
            result,
            PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG,
            Catalog.isPartitioned(c, id)
                ? "Table "
                    + id
                    + " is partitioned, and PostgreSQL 12 cannot publish a partitioned table:"
                    + " upgrade to PostgreSQL 13 or later, or list its partitions instead"
                : "Table " + id + " does not exist (a partition is captured through its root)");
      }
    }
    for (TableSelector sel : TableSelector.unmatchedPatterns(config.tableSelectors(), tables)) {
      error(result, PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG, sel.matchesNothing());
    }
    Map<TableId, List<String>> keys = config.keyColumns();
    for (TableId t : tables) {
      Catalog.TableInfo info = Catalog.tableInfo(c, t);
      checkReadable(result, c, info);
      if (!keys.containsKey(t) && !info.hasPrimaryKey() && info.replicaIdentity() != 'f') {
        error(
            result,
            PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG,
            "Table "
                + t
                + " has no primary key: run ALTER TABLE "
                + t.quoted()
                + " REPLICA IDENTITY FULL, or name its key columns in "
                + PostgresSourceConfig.TABLE_KEY_COLUMNS_CONFIG
                + " (and give it REPLICA IDENTITY FULL or USING INDEX so that updates and"
                + " deletes carry them)");
      }
    }
    for (Map.Entry<TableId, List<String>> e : keys.entrySet()) {
      Catalog.TableInfo info = Catalog.tableInfo(c, e.getKey());
      if (info == null) {
        error(
            result,
            PostgresSourceConfig.TABLE_KEY_COLUMNS_CONFIG,
            "Table " + e.getKey() + " does not exist");
        continue;
      }
      List<String> names =
          Catalog.columns(c, info.oid(), 120000).stream().map(Catalog.ColumnInfo::name).toList();
      for (String column : e.getValue()) {
        if (!names.contains(column)) {
          error(
              result,
              PostgresSourceConfig.TABLE_KEY_COLUMNS_CONFIG,
              "Table " + e.getKey() + " has no column " + column);
        }
      }
    }
    return tables;
  }

  /** The snapshot reads each table: USAGE on its schema and SELECT on it. */
  private static void checkReadable(Config result, Connection c, Catalog.TableInfo info)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT has_schema_privilege(?, 'USAGE'), has_table_privilege(?::oid, 'SELECT'),"
                + " current_user")) {
      ps.setString(1, info.id().schema());
      ps.setLong(2, info.oid());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String user = Identifiers.quote(rs.getString(3));
        if (!rs.getBoolean(1)) {
          error(
              result,
              PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG,
              "User "
                  + user
                  + " may not use schema "
                  + Identifiers.quote(info.id().schema())
                  + " of table "
                  + info.id()
                  + ": run GRANT USAGE ON SCHEMA "
                  + Identifiers.quote(info.id().schema())
                  + " TO "
                  + user
                  + " (as its owner), or leave the table out");
        } else if (!rs.getBoolean(2)) {
          error(
              result,
              PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG,
              "User "
                  + user
                  + " may not read table "
                  + info.id()
                  + ": run GRANT SELECT ON "
                  + info.id().quoted()
                  + " TO "
                  + user
                  + " (as its owner), or leave the table out");
        }
      }
    }
  }

  static void error(Config result, String name, String message) {
    for (ConfigValue v : result.configValues()) {
      if (v.name().equals(name)) {
        v.addErrorMessage(message);
        return;
      }
    }
  }
}
