package io.pgcdc.connector.source.validate;

import io.pgcdc.connector.common.ConnectionChecks;
import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.catalog.TableSelector;
import io.pgcdc.connector.source.signal.SignalChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;

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
    if (!ConnectionChecks.checkSslFiles(config, settings, result)) {
      return;
    }
    try (Connection c = settings.open()) {
      checkServer(result, config, c);
      List<TableId> tables = checkTables(result, config, c);
      if (config.snapshotMode() != PostgresSourceConfig.SnapshotMode.INITIAL_ONLY) {
        SourceReplicationChecks.check(result, config, c, tables);
      }
      if (config.signalsEnabled()) {
        SignalChecks.settings(c, config)
            .forEach((setting, message) -> error(result, setting, message));
      }
    } catch (SQLException e) {
      ConnectionChecks.connectFailed(config, settings, e, result);
    }
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
    ConnectionChecks.error(result, name, message);
  }
}
