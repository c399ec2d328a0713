package io.pgcdc.connector.source;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
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
final class SourceValidation {
  private SourceValidation() {}

  /** Adds what is wrong with {@code config} against its database to {@code result}. */
  static void check(PostgresSourceConfig config, Config result) {
    ConnectionSettings settings;
    try {
      settings = config.connection("pgcdc-source-validate");
    } catch (ConfigException e) {
      error(result, ConnectionConfig.URL_CONFIG, e.getMessage());
      return;
    }
    try (Connection c = settings.open()) {
      checkServer(result, config, c);
      List<TableId> tables = checkTables(result, config, c);
      if (config.snapshotMode() != PostgresSourceConfig.SnapshotMode.INITIAL_ONLY) {
        SourceReplicationChecks.check(result, config, c, tables);
      }
    } catch (SQLException e) {
      error(result, connectionSetting(config, e), connectionFailure(config, settings, e));
    }
  }

  /**
   * What went wrong connecting, and what to do about it. The driver's messages never carry the
   * password.
   */
  private static String connectionFailure(
      PostgresSourceConfig config, ConnectionSettings settings, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = "Could not connect to " + settings.describe() + ": " + e.getMessage();
    if (isSsl(e)) {
      return where
          + ". "
          + (String.valueOf(e.getMessage()).contains("does not support SSL")
              ? "Turn on ssl in the server's postgresql.conf, or set "
                  + ConnectionConfig.SSLMODE_CONFIG
                  + "=prefer (or disable) to connect without SSL"
              : "The server's certificate was not accepted: give the CA that signed it in "
                  + ConnectionConfig.SSLROOTCERT_CONFIG
                  + ", and for verify-full make connection.host the name in the certificate");
    }
    if (String.valueOf(e.getMessage()).contains("pg_hba.conf")) {
      return where
          + ". The server's pg_hba.conf admits no such connection: add a line for this user,"
          + " database and address and reload the server; if it admits SSL connections only"
          + " (hostssl), set "
          + ConnectionConfig.SSLMODE_CONFIG
          + "=require, if unencrypted ones only (hostnossl), "
          + ConnectionConfig.SSLMODE_CONFIG
          + "=disable";
    }
    if (state.startsWith("28")) {
      return where
          + ". Check "
          + ConnectionConfig.USER_CONFIG
          + " and "
          + ConnectionConfig.PASSWORD_CONFIG;
    }
    if (state.equals("3D000")) {
      return where + ". Check " + ConnectionConfig.DATABASE_CONFIG;
    }
    if (state.startsWith("08")) {
      return where
          + ". Check "
          + ConnectionConfig.HOST_CONFIG
          + " and "
          + ConnectionConfig.PORT_CONFIG
          + ", that the server runs and listens on that address (listen_addresses, port), and"
          + " that no firewall stands between the Connect worker and the server";
    }
    return where;
  }

  private static boolean isSsl(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException
          || String.valueOf(t.getMessage()).contains("does not support SSL")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The setting a connection failure is about: an SSL failure or a pg_hba.conf line that demands
   * another encryption is the SSL mode's (the root certificate's for a rejected certificate), a
   * failed login (SQLSTATE class 28) is the password's (or the user's), a missing database the
   * database's, anything else the host's; the URL's when the user gave the URL and not that
   * setting.
   */
  private static String connectionSetting(PostgresSourceConfig config, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = String.valueOf(e.getMessage());
    String setting =
        isSsl(e)
            ? message.contains("does not support SSL")
                    || config.originals().get(ConnectionConfig.SSLROOTCERT_CONFIG) == null
                ? ConnectionConfig.SSLMODE_CONFIG
                : ConnectionConfig.SSLROOTCERT_CONFIG
            : message.contains("pg_hba.conf")
                ? ConnectionConfig.SSLMODE_CONFIG
                : state.startsWith("28")
                    ? ConnectionConfig.PASSWORD_CONFIG
                    : state.equals("3D000")
                        ? ConnectionConfig.DATABASE_CONFIG
                        : ConnectionConfig.HOST_CONFIG;
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
