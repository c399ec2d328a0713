package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Target table metadata read from pg_catalog, cached until a change is made or seen. */
final class TableCatalog {
  /** A target column: its type as format_type() prints it. */
  record Column(String name, String type, boolean notNull, boolean generated) {}

  /** A target table: columns in order, and the column sets of its unique indexes. */
  record Table(
      TableId id,
      Map<String, Column> columns,
      List<String> primaryKey,
      List<Set<String>> uniqueKeys) {
    boolean hasUniqueKey(List<String> columnNames) {
      Set<String> wanted = Set.copyOf(columnNames);
      return uniqueKeys.stream().anyMatch(wanted::equals);
    }
  }

  private static final String FIND =
      "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid ="
          + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";
  private static final String COLUMNS =
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
          + " a.attgenerated <> '' FROM pg_catalog.pg_attribute a WHERE a.attrelid = ? AND"
          + " a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  private static final String UNIQUE_KEYS =
      "SELECT i.indisprimary, array_agg(a.attname::text ORDER BY k.ord) FROM pg_catalog.pg_index i"
          + " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
          + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
          + " WHERE i.indrelid = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
          + " GROUP BY i.indexrelid, i.indisprimary ORDER BY NOT i.indisprimary";

  private final Map<TableId, Table> cache = new HashMap<>();

  /** The table, from the cache or the server; null when it does not exist. */
  Table get(Connection connection, TableId id) throws SQLException {
    Table table = cache.get(id);
    if (table == null) {
      table = load(connection, id);
      if (table != null) {
        cache.put(id, table);
      }
    }
    return table;
  }

  void invalidate(TableId id) {
    cache.remove(id);
  }

  void invalidateAll() {
    cache.clear();
  }

  private static Table load(Connection connection, TableId id) throws SQLException {
    long oid;
    try (PreparedStatement find = connection.prepareStatement(FIND)) {
      find.setString(1, id.schema());
      find.setString(2, id.table());
      try (ResultSet rs = find.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        oid = rs.getLong(1);
      }
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(
              rs.getString(1),
              new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    List<String> primaryKey = List.of();
    List<Set<String>> uniqueKeys = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(UNIQUE_KEYS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> names = Arrays.asList((String[]) rs.getArray(2).getArray());
          if (rs.getBoolean(1)) {
            primaryKey = List.copyOf(names);
          }
          uniqueKeys.add(Set.copyOf(names));
        }
      }
    }
    return new Table(id, columns, primaryKey, List.copyOf(uniqueKeys));
  }
}
