package io.pgcdc.it.e2e;

import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a source table with its copy in SQL: {@code EXCEPT} both ways on the values themselves,
 * and the column types as {@code format_type} prints them.
 *
 * <p>Each column is compared by its value ({@code =} of its type, which EXCEPT uses) and, for every
 * type whose text is not already the value, also by its text: some equalities are coarser than
 * identity ({@code '1 mon'::interval = '30 days'}, {@code 1.0::numeric = 1.00}, {@code -0.0 = 0.0}
 * in float8), and the text tells those apart. Types without an equality operator are compared by a
 * form that is exactly the value:
 *
 * <ul>
 *   <li>{@code json}: the type stores the input text verbatim (whitespace, key order, duplicate
 *       keys), so its text IS the value;
 *   <li>{@code xml}: likewise stored verbatim; {@code xmlserialize(CONTENT ... AS text)} returns
 *       it;
 *   <li>{@code point, line, lseg, box, path, polygon, circle}: values are float8 coordinates (plus
 *       open/closed for a path); with {@code extra_float_digits = 1} (set on the comparing session)
 *       PostgreSQL 12+ prints each float8 in the shortest form that reads back to the same bits, so
 *       equal text means bit-equal coordinates. {@code ~=} ("same as") is not used: it compares
 *       with a tolerance of 1e-6 and would hide a lost digit.
 * </ul>
 */
public final class TableComparison {
  private static final Set<String> TEXT_IS_VALUE =
      Set.of("json", "point", "line", "lseg", "box", "path", "polygon", "circle");
  private static final Set<String> TEXTUAL =
      Set.of("text", "varchar", "bpchar", "name", "char", "citext");

  private TableComparison() {}

  /** A column: its name, {@code format_type} and the name of its type (after domains). */
  record Column(String name, String formatType, String typeName) {}

  /** The live columns of {@code table} (schema-qualified, already quoted) in attnum order. */
  static Map<String, Column> columns(Connection c, String table) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
                + " (SELECT t.typname FROM pg_type t WHERE t.oid ="
                + "  CASE WHEN d.typtype = 'd' THEN d.typbasetype ELSE a.atttypid END)"
                + " FROM pg_attribute a JOIN pg_type d ON d.oid = a.atttypid"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(
              rs.getString(1), new Column(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return columns;
  }

  /** The expressions that compare one column exactly; see the class comment. */
  static List<String> expressions(Column column) {
    String c = quote(column.name());
    String type = column.typeName();
    if (type.equals("xml")) {
      return List.of("xmlserialize(CONTENT " + c + " AS text)");
    }
    if (TEXT_IS_VALUE.contains(type)) {
      return List.of(c + "::text");
    }
    if (TEXTUAL.contains(type)) {
      return List.of(c);
    }
    return List.of(c, c + "::text");
  }

  /**
   * Rows (as text, at most {@code limit} each way) that one table has and the other lacks, compared
   * on the columns of {@code source}; empty when the tables hold the same rows. Counts duplicates
   * ({@code EXCEPT ALL}). Fails if the target lacks a column of the source.
   */
  public static List<String> differences(PostgresServer pg, String source, String target, int limit)
      throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET extra_float_digits = 1");
      s.execute("SET TimeZone = 'UTC'");
      List<String> exprs = new ArrayList<>();
      for (Column column : columns(c, source).values()) {
        exprs.addAll(expressions(column));
      }
      String list = String.join(", ", exprs);
      List<String> diff = new ArrayList<>();
      diff.addAll(except(s, list, source, target, "only in " + source, limit));
      diff.addAll(except(s, list, target, source, "only in " + target, limit));
      return diff;
    }
  }

  private static List<String> except(
      Statement s, String list, String left, String right, String label, int limit)
      throws SQLException {
    List<String> rows = new ArrayList<>();
    String sql =
        "SELECT left(row_to_json(x)::text, 300) FROM (SELECT "
            + list
            + " FROM "
            + left
            + " EXCEPT ALL SELECT "
            + list
            + " FROM "
            + right
            + ") x LIMIT "
            + limit;
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(label + ": " + rs.getString(1));
      }
    }
    return rows;
  }

  /** Columns whose {@code format_type} differs, or that one table lacks, as readable lines. */
  static List<String> typeDifferences(PostgresServer pg, String source, String target)
      throws SQLException {
    try (Connection c = pg.connect()) {
      Map<String, Column> a = columns(c, source);
      Map<String, Column> b = columns(c, target);
      List<String> diff = new ArrayList<>();
      for (Column col : a.values()) {
        Column other = b.get(col.name());
        if (other == null) {
          diff.add(
              col.name() + ": " + col.formatType() + " in " + source + ", missing in " + target);
        } else if (!other.formatType().equals(col.formatType())) {
          diff.add(col.name() + ": " + col.formatType() + " vs " + other.formatType());
        }
      }
      for (Column col : b.values()) {
        if (!a.containsKey(col.name())) {
          diff.add(col.name() + ": only in " + target + " (" + col.formatType() + ")");
        }
      }
      return diff;
    }
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
