package io.pgcdc.it.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.Type;
import io.pgcdc.decoder.types.CopyText;
import io.pgcdc.decoder.types.PgArray;
import io.pgcdc.decoder.types.PgInterval;
import io.pgcdc.decoder.types.PgSpecial;
import io.pgcdc.decoder.types.PgTypes;
import io.pgcdc.it.decoder.SlotChanges.Change;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every type the decoder's codecs convert, as the server sends it in pgoutput text mode and in COPY
 * text format, converts to the same Java value as the row read back with SQL, and writes back to
 * text the server reads as the same value. The built-in types without a codec, whose values stay
 * their text, are known by the names and element types the catalog gives them.
 */
@ExtendWith(PostgresExtension.class)
class ValuesGoldenIT {

  private static final String COLUMNS =
      "id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8,"
          + " n numeric, n2 numeric(12,2), m money, t text, ba bytea, d date, tm time, ttz timetz,"
          + " ts timestamp, tstz timestamptz, iv interval, a4 int4[], at text[], a2 int4[],"
          + " atz timestamptz[], an numeric[], e %1$s, ea %1$s[], dom %2$s";

  private static final String ROW1 =
      "1, true, -32768, 2147483647, -9223372036854775808, 4294967295, 0.1, 1e100,"
          + " -123456789012345678901234567890.000000001, 12.50, -1234.56, e'tab\\tquote\"',"
          + " '\\x00ff5c27', '2021-06-01', '13:45:06.123456', '12:00+05:30',"
          + " '2021-06-01 12:34:56.789', '2021-06-01 12:34:56.5+02', '1 year 2 mons -3 days 04:05:06.7',"
          + " '{1,NULL,3}', '{\"a b\",\"c\\\"d\",\"\",NULL,\"NULL\",\"{x}\"}',"
          + " '[0:1][2:3]={{1,2},{3,4}}', '{\"2021-01-01 00:00+00\",infinity}',"
          + " '{{1.5,NaN},{NULL,-Infinity}}', 'happy', '{happy,sad}', 12.345";

  private static final String ROW2 =
      "2, false, 0, 0, 0, 0, 'NaN', '-Infinity', 'NaN', 0, 0, '', '\\x', '0044-03-15 BC', '24:00',"
          + " '00:00-15:59', 'infinity', '-infinity', '-1 days +01:00:00', '{}', '{}', '{}', '{}',"
          + " '{}', 'sad', '{}', 'Infinity'";

  @Test
  void pgoutputCopyAndSqlAgreeOnEveryType(PostgresServer pg) throws Exception {
    String table = pg.uniqueName("types");
    String mood = pg.uniqueName("mood");
    String dom = pg.uniqueName("dom");
    pg.execute(
        "CREATE TYPE " + mood + " AS ENUM ('happy', 'sad')",
        "CREATE DOMAIN " + dom + " AS numeric",
        "CREATE TABLE " + table + " (" + String.format(COLUMNS, mood, dom) + ")");
    try (SlotChanges slot = SlotChanges.create(pg, false, table)) {
      boolean numericInfinity = pg.majorVersion() >= 14; // numeric ±Infinity: PostgreSQL 14
      pg.execute(
          "INSERT INTO "
              + table
              + " VALUES ("
              + (numericInfinity ? ROW1 : ROW1.replace("{NULL,-Infinity}", "{NULL,-1}"))
              + ")",
          "INSERT INTO "
              + table
              + " VALUES ("
              + (numericInfinity ? ROW2 : ROW2.replace("'Infinity'", "'-1'"))
              + ")",
          "INSERT INTO " + table + " (id) VALUES (3)");
      List<Change> text = slot.peek(1);

      PgTypes types = PgTypes.builtIn();
      for (boolean arrays : new boolean[] {false, true}) { // elements before their arrays
        for (Type t : SlotChanges.of(text, Type.class)) {
          register(pg, types, t, arrays);
        }
      }
      Relation rel = SlotChanges.of(text, Relation.class).get(0);
      assertRelationMatchesCatalog(pg, table, rel);
      List<Insert> textRows = SlotChanges.of(text, Insert.class);
      assertThat(textRows).hasSize(3);
      assertAllFormsAgree(pg, table, types, rel, textRows);
      // A few exact Java forms, beyond agreement between the paths.
      Insert r1 = textRows.get(0);
      Insert r2 = textRows.get(1);
      assertThat(types.decodeText(1700, text(rel, r1, "n")))
          .isEqualTo(new BigDecimal("-123456789012345678901234567890.000000001"));
      assertThat(types.decodeText(1186, text(rel, r2, "iv")))
          .isEqualTo(new PgInterval(0, -1, 3_600_000_000L));
      assertThat(types.decodeText(1082, text(rel, r2, "d"))).isEqualTo(LocalDate.of(-43, 3, 15));
      assertThat(types.decodeText(1083, text(rel, r2, "tm"))).isEqualTo(LocalTime.MAX);
      assertThat(types.decodeText(1114, text(rel, r2, "ts"))).isEqualTo(PgSpecial.INFINITY);
      assertThat(types.decodeText(1700, text(rel, r2, "n"))).isEqualTo(PgSpecial.NAN);
      PgArray a2 = (PgArray) types.decodeText(1007, text(rel, r1, "a2"));
      assertThat(a2.lowerBounds()).containsExactly(0, 2);
    } finally {
      pg.execute(
          "DROP TABLE IF EXISTS " + table,
          "DROP TYPE IF EXISTS " + mood,
          "DROP DOMAIN IF EXISTS " + dom);
    }
  }

  /**
   * For each row and column: pgoutput text mode, COPY text format and the server's own text give
   * the same Java value, and the value written back as text reads as the same value.
   */
  private static void assertAllFormsAgree(
      PostgresServer pg, String table, PgTypes types, Relation rel, List<Insert> textRows)
      throws Exception {
    List<List<String>> sqlRows = sqlText(pg, "SELECT * FROM " + table + " ORDER BY id");
    List<List<String>> copyRows = copyRows(pg, table);

    for (int row = 0; row < textRows.size(); row++) {
      for (int col = 0; col < rel.columns().size(); col++) {
        Relation.Column column = rel.columns().get(col);
        int oid = column.typeOid();
        TupleValue tv = textRows.get(row).newTuple().get(col);
        String where = "row " + (row + 1) + " column " + column.name() + " " + tv;
        Object fromText =
            tv instanceof TupleValue.Text t ? types.decodeText(oid, t.text()) : nullColumn(tv);
        String sql = sqlRows.get(row).get(col);
        Object fromSql = sql == null ? null : types.decodeText(oid, sql);
        assertThat(norm(fromText)).as(where).isEqualTo(norm(fromSql));
        String copied = copyRows.get(row).get(col);
        Object fromCopy = copied == null ? null : types.decodeText(oid, copied);
        assertThat(norm(fromCopy)).as(where + " COPY " + copied).isEqualTo(norm(fromText));
        if (fromText != null) {
          String written = types.encodeText(oid, fromText);
          assertThat(serverReadsBack(pg, written, table, column, row + 1))
              .as(where + " written " + written)
              .isTrue();
        }
      }
    }
  }

  /** The text of the named column in an Insert. */
  private static String text(Relation rel, Insert row, String column) {
    for (int i = 0; i < rel.columns().size(); i++) {
      if (rel.columns().get(i).name().equals(column)) {
        return ((TupleValue.Text) row.newTuple().get(i)).text();
      }
    }
    throw new AssertionError("no column " + column);
  }

  /** A column that is not text in an Insert: NULL. */
  private static Object nullColumn(TupleValue tv) {
    assertThat(tv).isInstanceOf(TupleValue.Null.class);
    return null;
  }

  @Test
  void builtInTypesHaveTheCatalogsNamesAndElementTypes(PostgresServer pg) throws Exception {
    PgTypes types = PgTypes.builtIn();
    java.util.Map<Integer, List<String>> catalog = new java.util.HashMap<>();
    for (List<String> row :
        sqlText(
            pg,
            "SELECT oid::int, typname::text,"
                + " CASE WHEN typcategory = 'A' THEN typelem::int ELSE 0 END"
                + " FROM pg_type WHERE oid < 16384")) {
      catalog.put(Integer.parseInt(row.get(0)), row);
    }
    int checked = 0;
    for (int oid = 0; oid < 16384; oid++) {
      if (!types.isKnown(oid)) {
        continue;
      }
      List<String> row = catalog.get(oid);
      if (row == null) {
        // Multiranges and their arrays arrived in PostgreSQL 14.
        assertThat(pg.majorVersion()).as(types.typeName(oid)).isLessThan(14);
        assertThat(types.typeName(oid)).contains("multirange");
        continue;
      }
      int element = Integer.parseInt(row.get(2));
      String name = element == 0 ? row.get(1) : catalog.get(element).get(1) + "[]";
      assertThat(types.typeName(oid)).as("type OID " + oid).isEqualTo(name);
      assertThat(types.elementOid(oid)).as(name).isEqualTo(element);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(pg.majorVersion() >= 14 ? 108 : 84);
  }

  /** Registers a user type the way a connector would: by its kind in pg_type. */
  private static void register(PostgresServer pg, PgTypes types, Type t, boolean arrays)
      throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT typtype, typbasetype::int, typelem::int, typcategory FROM pg_type WHERE oid = "
                    + Integer.toUnsignedLong(t.typeOid()))) {
      assertThat(rs.next()).isTrue();
      boolean isArray = rs.getString(4).equals("A");
      if (isArray != arrays) {
        return;
      }
      if (isArray) {
        types.registerArray(t.typeOid(), rs.getInt(3));
        return;
      }
      switch (rs.getString(1)) {
        case "e" -> types.registerEnum(t.typeOid(), t.name());
        case "d" -> types.registerDomain(t.typeOid(), rs.getInt(2));
        default -> throw new AssertionError("unexpected user type " + t);
      }
    }
  }

  private static void assertRelationMatchesCatalog(PostgresServer pg, String table, Relation rel)
      throws Exception {
    assertThat(rel.name()).isEqualTo(table);
    assertThat(rel.namespace()).isEqualTo("public");
    assertThat(rel.replicaIdentity()).isEqualTo('d');
    List<List<String>> attrs =
        sqlText(
            pg,
            "SELECT '"
                + table
                + "'::regclass::oid::text, attname::text, atttypid::int::text, atttypmod::text"
                + " FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    assertThat(Integer.toUnsignedString(rel.relationId())).isEqualTo(attrs.get(0).get(0));
    assertThat(rel.columns()).hasSize(attrs.size());
    for (int i = 0; i < attrs.size(); i++) {
      Relation.Column col = rel.columns().get(i);
      assertThat(col.name()).isEqualTo(attrs.get(i).get(1));
      assertThat(col.typeOid()).isEqualTo(Integer.parseInt(attrs.get(i).get(2)));
      assertThat(col.typeModifier()).isEqualTo(Integer.parseInt(attrs.get(i).get(3)));
      assertThat(col.isKey()).isEqualTo(i == 0);
    }
  }

  /** The rows of COPY ... TO STDOUT (text format), split and unescaped by CopyText. */
  private static List<List<String>> copyRows(PostgresServer pg, String table) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (Connection c = pg.connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'America/St_Johns'"); // a half-hour offset to parse
      }
      new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class))
          .copyOut("COPY (SELECT * FROM " + table + " ORDER BY id) TO STDOUT", out);
    }
    List<List<String>> rows = new ArrayList<>();
    byte[] all = out.toByteArray();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') { // COPY escapes newlines inside values, so a raw one ends a row
        rows.add(CopyText.parseRow(java.util.Arrays.copyOfRange(all, start, i + 1)));
        start = i + 1;
      }
    }
    return rows;
  }

  /** Each column as the server's own text ({@code ::text}), null for NULL. */
  static List<List<String>> sqlText(PostgresServer pg, String query) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'Europe/Amsterdam'"); // not UTC, so offsets are really parsed
      try (ResultSet rs = s.executeQuery(query)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  /** Whether the server reads the written text as the value it holds (compared as text). */
  private static boolean serverReadsBack(
      PostgresServer pg, String written, String table, Relation.Column column, int id)
      throws Exception {
    String type = typeName(pg, column.typeOid(), column.typeModifier());
    try (Connection c = pg.connect();
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT (?::text)::"
                    + type
                    + "::text IS NOT DISTINCT FROM "
                    + column.name()
                    + "::text FROM "
                    + table
                    + " WHERE id = ?")) {
      ps.setString(1, written);
      ps.setInt(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static String typeName(PostgresServer pg, int oid, int typmod) throws Exception {
    return sqlText(pg, "SELECT format_type(" + Integer.toUnsignedLong(oid) + ", " + typmod + ")")
        .get(0)
        .get(0);
  }

  /** byte[] compared by content, also inside arrays. */
  private static Object norm(Object v) {
    if (v instanceof byte[] b) {
      return "bytes:" + HexFormat.of().formatHex(b);
    }
    if (v instanceof PgArray a) {
      List<Object> elements = new ArrayList<>();
      for (Object e : a.elements()) {
        elements.add(norm(e));
      }
      return List.of(a.dimensions(), a.lowerBounds(), elements);
    }
    return v;
  }
}
