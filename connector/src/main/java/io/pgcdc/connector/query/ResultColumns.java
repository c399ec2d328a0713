package io.pgcdc.connector.query;

import io.pgcdc.connector.types.ColumnType;
import io.pgcdc.connector.types.TypeResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.core.BaseConnection;

/**
 * The columns of a query's result with the types the CDC source gives the same columns: a column
 * read from a table gets the type of that table's column ({@code format_type} of its type and
 * modifier, as the CDC source reads it); a computed one the type of its value, without a modifier.
 */
final class ResultColumns {
  /** One column of the result. */
  record Column(String name, ColumnType type) {}

  private final TypeResolver types;

  /**
   * The types found, by table column and the type name the result gives it (a changed type makes a
   * new entry): an idle poll then asks the catalog nothing.
   */
  private final Map<String, Column> known = new HashMap<>();

  /** The records of each query's last result shape, reused while the shape stays. */
  private final Map<String, RowRecords> records = new HashMap<>();

  ResultColumns(TypeResolver types) {
    this.types = types;
  }

  /** The records of a result of {@code spec}, described from its metadata. */
  RowRecords records(Connection c, QuerySpec spec, ResultSetMetaData md) throws SQLException {
    List<Column> columns = describe(c, md);
    RowRecords last = records.get(spec.name());
    if (last != null && last.columns().equals(columns)) {
      return last;
    }
    RowRecords made = new RowRecords(spec, columns);
    records.put(spec.name(), made);
    return made;
  }

  private static final String TABLE_COLUMN =
      "SELECT a.atttypid, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a"
          + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE n.nspname = ? AND c.relname = ? AND a.attname = ? AND NOT a.attisdropped";
  private static final String TYPE_ONLY = "SELECT format_type(?::oid, NULL)";

  private List<Column> describe(Connection c, ResultSetMetaData md) throws SQLException {
    PGResultSetMetaData pg = md.unwrap(PGResultSetMetaData.class);
    List<Column> columns = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      String key =
          pg.getBaseSchemaName(i)
              + '.'
              + pg.getBaseTableName(i)
              + '.'
              + pg.getBaseColumnName(i)
              + ' '
              + md.getColumnTypeName(i)
              + ' '
              + md.getColumnLabel(i);
      Column known = this.known.get(key);
      if (known == null) {
        known = describe(c, md, pg, i);
        this.known.put(key, known);
      }
      columns.add(known);
    }
    return List.copyOf(columns);
  }

  private Column describe(Connection c, ResultSetMetaData md, PGResultSetMetaData pg, int i)
      throws SQLException {
    int[] oid = new int[1];
    String format = tableColumnType(c, pg, i, oid);
    if (format == null) {
      oid[0] = c.unwrap(BaseConnection.class).getTypeInfo().getPGType(md.getColumnTypeName(i));
      format = typeOnly(c, oid[0]);
    }
    return new Column(md.getColumnLabel(i), types.forColumn(c, oid[0], format));
  }

  /** The type of the table column that column {@code i} reads, or null for a computed one. */
  private static String tableColumnType(Connection c, PGResultSetMetaData pg, int i, int[] oid)
      throws SQLException {
    String table = pg.getBaseTableName(i);
    String column = pg.getBaseColumnName(i);
    if (table == null || table.isEmpty() || column == null || column.isEmpty()) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement(TABLE_COLUMN)) {
      ps.setString(1, pg.getBaseSchemaName(i));
      ps.setString(2, table);
      ps.setString(3, column);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        oid[0] = (int) rs.getLong(1);
        return rs.getString(2);
      }
    }
  }

  private static String typeOnly(Connection c, int oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(TYPE_ONLY)) {
      ps.setLong(1, Integer.toUnsignedLong(oid));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
