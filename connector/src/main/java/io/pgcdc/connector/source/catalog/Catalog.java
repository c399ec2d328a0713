package io.pgcdc.connector.source.catalog;

import io.pgcdc.connector.common.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The catalog queries of the source: tables, columns, types, keys. */
public final class Catalog {
  /** A column as pg_attribute describes it. */
  public record ColumnInfo(String name, int typeOid, String pgType) {}

  /** A table's identity: its OID and replica identity setting (d, n, f, i). */
  public record TableInfo(TableId id, long oid, char replicaIdentity, boolean hasPrimaryKey) {}

  private Catalog() {}

  public static int serverVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  public static List<TableId> resolveTables(Connection c, List<TableSelector> selectors)
      throws SQLException {
    return resolveTables(c, selectors, serverVersion(c));
  }

  /**
   * The tables the selectors match, sorted: ordinary and partitioned tables, partitions excluded
   * (captured through their root); on PostgreSQL 12, which cannot publish a partitioned table, the
   * partitions themselves instead of their roots.
   */
  public static List<TableId> resolveTables(
      Connection c, List<TableSelector> selectors, int serverVersion) throws SQLException {
    String kinds =
        serverVersion >= 130000
            ? "c.relkind IN ('r', 'p') AND NOT c.relispartition"
            : "c.relkind = 'r'";
    TreeSet<String> seen = new TreeSet<>();
    List<TableId> found = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                    + " c.relnamespace WHERE "
                    + kinds
                    + " ORDER BY 1, 2")) {
      while (rs.next()) {
        TableId id = new TableId(rs.getString(1), rs.getString(2));
        for (TableSelector sel : selectors) {
          if (sel.matches(id) && seen.add(id.toString())) {
            found.add(id);
          }
        }
      }
    }
    return found;
  }

  public static TableInfo tableInfo(Connection c, TableId table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.oid, c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid ="
                + " c.oid AND i.indisprimary) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new TableInfo(table, rs.getLong(1), rs.getString(2).charAt(0), rs.getBoolean(3));
      }
    }
  }

  public static boolean isPartitioned(Connection c, TableId table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** The published columns of a table (not dropped, not generated), in order. */
  public static List<ColumnInfo> columns(Connection c, long relOid, int serverVersion)
      throws SQLException {
    String generated = serverVersion >= 120000 ? " AND a.attgenerated = ''" : "";
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod) FROM pg_attribute"
                + " a WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped"
                + generated
                + " ORDER BY a.attnum")) {
      ps.setLong(1, relOid);
      List<ColumnInfo> columns = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new ColumnInfo(rs.getString(1), (int) rs.getLong(2), rs.getString(3)));
        }
      }
      return columns;
    }
  }

  /** format_type() of each (type OID, type modifier) pair, in order. */
  public static List<String> formatTypes(Connection c, int[] oids, int[] modifiers)
      throws SQLException {
    Long[] o = new Long[oids.length];
    Integer[] m = new Integer[modifiers.length];
    for (int i = 0; i < oids.length; i++) {
      o[i] = Integer.toUnsignedLong(oids[i]);
      m[i] = modifiers[i];
    }
    Array oa = c.createArrayOf("int8", o);
    Array ma = c.createArrayOf("int4", m);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT format_type(x.o::oid, x.m) FROM unnest(?::int8[], ?::int4[]) WITH ORDINALITY"
                + " AS x(o, m, n) ORDER BY x.n")) {
      ps.setArray(1, oa);
      ps.setArray(2, ma);
      List<String> types = new ArrayList<>(oids.length);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.add(rs.getString(1));
        }
      }
      return types;
    }
  }

  /**
   * The key columns of a table: the primary key; else the replica identity index; else, with
   * REPLICA IDENTITY FULL, every column; else none.
   */
  public static List<String> keyColumns(Connection c, long relOid) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND"
                + " a.attnum = ANY (i.indkey::int2[]) WHERE i.indrelid = ? AND (i.indisprimary OR"
                + " i.indisreplident) ORDER BY i.indisprimary DESC, i.indexrelid,"
                + " array_position(i.indkey::int2[], a.attnum)")) {
      ps.setLong(1, relOid);
      List<String> keys = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
      if (!keys.isEmpty()) {
        return dedupeFirstIndex(c, relOid, keys);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE"
                + " c.oid = ? AND c.relreplident = 'f' AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum")) {
      ps.setLong(1, relOid);
      List<String> keys = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
      return keys;
    }
  }

  /** Keeps the columns of the first index only (primary key before replica identity index). */
  private static List<String> dedupeFirstIndex(Connection c, long relOid, List<String> keys)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT array_length(i.indkey::int2[], 1) FROM pg_index i WHERE i.indrelid = ? AND"
                + " (i.indisprimary OR i.indisreplident) ORDER BY i.indisprimary DESC,"
                + " i.indexrelid LIMIT 1")) {
      ps.setLong(1, relOid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return List.copyOf(keys.subList(0, Math.min(keys.size(), rs.getInt(1))));
      }
    }
  }

  /** The slot's plugin, database and confirmed_flush_lsn, or null if there is no such slot. */
  public static Map<String, String> slot(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT plugin, database, confirmed_flush_lsn::text, active_pid FROM"
                + " pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return Map.of(
            "plugin", String.valueOf(rs.getString(1)),
            "database", String.valueOf(rs.getString(2)),
            "confirmed_flush_lsn", String.valueOf(rs.getString(3)),
            "active_pid", String.valueOf(rs.getObject(4)));
      }
    }
  }
}
