package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table with a column of every type the decoder supports goes through the source (in both value
 * modes), Kafka (JSON converter with schemas) and the sink into a copy that the sink creates: after
 * the snapshot, after inserts, updates (also ones that leave TOASTed values of over 1 MB unchanged,
 * with the default replica identity), deletes, and after columns are added and dropped, the copy
 * holds exactly the same values ({@link TableComparison}) in columns of exactly the same types.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class RoundTripIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /**
   * In both value modes: typed (the default: Decimal, epoch days, micro-second timestamps, ISO
   * strings, arrays, and source.text_values for what those cannot hold) and text.
   */
  @ParameterizedTest(name = "value.mode={0}")
  @ValueSource(strings = {"typed", "text"})
  void everyTypeArrivesUnchangedThroughSnapshotStreamingToastAndSchemaChanges(
      String valueMode, PostgresServer pg, ConnectCluster cluster) throws SQLException {
    try (Pipeline p = new Pipeline(cluster, pg, "rt_" + valueMode)) {
      String mood = p.name + "_mood";
      String posint = p.name + "_posint";
      String table = p.table(p.name);
      p.cleanUpAlso("DROP TYPE IF EXISTS " + mood);
      p.cleanUpAlso("DROP DOMAIN IF EXISTS " + posint);
      Map<String, String> columns = columns(pg, mood, posint);
      pg.execute(
          "CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy', 'with space')",
          "CREATE DOMAIN " + posint + " AS integer CHECK (VALUE > 0)",
          createTable(table, columns));

      // Snapshot: ordinary values, edge values, a row of NULLs, TOASTed values over 1 MB.
      pg.execute(
          insert(table, 1, ordinary(pg, mood)),
          insert(table, 2, edges(pg, mood)),
          insert(table, 3, Map.of()),
          insert(table, 4, large()));

      p.createTopics(table);
      p.start(p.source(table).with("value.mode", valueMode), TIMEOUT);
      p.start(p.sink(table), TIMEOUT);
      p.awaitCopyEqual(table, TIMEOUT);

      // Streaming: the same kinds of rows, updates of every kind, deletes.
      pg.execute(
          insert(table, 5, edges(pg, mood)),
          insert(table, 6, Map.of()),
          insert(table, 7, large()),
          insert(table, 8, ordinary(pg, mood)),
          // unchanged TOAST: only a small column changes, the large ones are not sent
          "UPDATE " + table + " SET c_int4 = c_int4 + 1 WHERE id IN (4, 7)",
          "UPDATE " + table + " SET c_text = 'changed', c_name = 'renamed' WHERE id = 4",
          update(table, 3, edges(pg, mood)),
          update(table, 1, nulls(columns)),
          update(table, 6, ordinary(pg, mood)),
          "UPDATE " + table + " SET c_big_bytea = c_big_bytea || '\\x00ff'::bytea WHERE id = 7",
          "DELETE FROM " + table + " WHERE id = 8",
          // several changes of one row in one transaction
          "BEGIN; UPDATE "
              + table
              + " SET c_int8 = 1 WHERE id = 5; UPDATE "
              + table
              + " SET c_int8 = 2 WHERE id = 5; DELETE FROM "
              + table
              + " WHERE id = 2; COMMIT");
      p.awaitCopyEqual(table, TIMEOUT);
      // The large values really were TOASTed: the update left them out and named them.
      p.readValues(table, values -> values.stream().anyMatch(RoundTripIT::leftLargeOut), TIMEOUT);

      // Schema changes: a column added (and filled), a column dropped, TOAST unchanged after both.
      pg.execute(
          "ALTER TABLE " + table + " ADD COLUMN c_added numeric(12,3)",
          "ALTER TABLE " + table + " ADD COLUMN c_added_arr " + mood + "[]",
          insert(table, 9, Map.of("c_added", "'123456789.125'", "c_added_arr", "'{sad,ok}'")),
          "UPDATE " + table + " SET c_added = -0.001, c_added_arr = '{happy}' WHERE id = 4",
          "ALTER TABLE " + table + " DROP COLUMN c_money",
          insert(table, 10, without(edges(pg, mood), "c_money")),
          "UPDATE " + table + " SET c_int2 = 7 WHERE id IN (4, 7)",
          "DELETE FROM " + table + " WHERE id = 5");
      p.awaitCopyEqual(table, TIMEOUT);

      // The sink never drops a column: the copy keeps c_money; every other type is the same.
      assertThat(
              TableComparison.typeDifferences(pg, "public." + table, "public." + table + "_copy"))
          .containsExactly("c_money: only in public." + table + "_copy (money)");
      assertThat(countRows(pg, table)).isEqualTo(7);
    }
  }

  /** An update of row 7 that left both large values out of {@code after} and named them. */
  private static boolean leftLargeOut(JsonNode value) {
    JsonNode payload = value.path("payload");
    java.util.Set<String> unchanged = new java.util.HashSet<>();
    payload.path("source").path("unchanged_toast_columns").forEach(c -> unchanged.add(c.asText()));
    return payload.path("op").asText().equals("u")
        && payload.path("after").path("id").asLong() == 7
        && unchanged.equals(java.util.Set.of("c_big_text", "c_big_bytea"))
        && !payload.path("after").has("c_big_text")
        && !payload.path("after").has("c_big_bytea");
  }

  /** Column name to type: every type the decoder supports, adapted to the server's version. */
  private static Map<String, String> columns(PostgresServer pg, String mood, String posint) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("c_bool", "boolean");
    c.put("c_int2", "smallint");
    c.put("c_int4", "integer");
    c.put("c_int8", "bigint");
    c.put("c_oid", "oid");
    c.put("c_float4", "real");
    c.put("c_float8", "double precision");
    c.put("c_numeric", "numeric");
    c.put("c_numeric_ps", "numeric(40,20)");
    c.put("c_money", "money");
    c.put("c_char", "character(5)");
    c.put("c_bpchar", "bpchar");
    c.put("c_varchar", "varchar(20)");
    c.put("c_text", "text");
    c.put("c_name", "name");
    c.put("c_qchar", "\"char\"");
    c.put("c_bytea", "bytea");
    c.put("c_uuid", "uuid");
    c.put("c_json", "json");
    c.put("c_jsonb", "jsonb");
    c.put("c_xml", "xml");
    c.put("c_date", "date");
    c.put("c_time", "time");
    c.put("c_time3", "time(3) without time zone");
    c.put("c_timetz", "time with time zone");
    c.put("c_ts", "timestamp");
    c.put("c_tstz", "timestamp with time zone");
    c.put("c_tstz3", "timestamp(3) with time zone");
    c.put("c_interval", "interval");
    c.put("c_bit", "bit(5)");
    c.put("c_varbit", "bit varying(10)");
    c.put("c_inet", "inet");
    c.put("c_cidr", "cidr");
    c.put("c_macaddr", "macaddr");
    c.put("c_macaddr8", "macaddr8");
    c.put("c_point", "point");
    c.put("c_line", "line");
    c.put("c_lseg", "lseg");
    c.put("c_box", "box");
    c.put("c_path", "path");
    c.put("c_polygon", "polygon");
    c.put("c_circle", "circle");
    c.put("c_tsvector", "tsvector");
    c.put("c_tsquery", "tsquery");
    c.put("c_lsn", "pg_lsn");
    c.put("c_int4range", "int4range");
    c.put("c_int8range", "int8range");
    c.put("c_numrange", "numrange");
    c.put("c_tsrange", "tsrange");
    c.put("c_tstzrange", "tstzrange");
    c.put("c_daterange", "daterange");
    if (pg.majorVersion() >= 14) {
      c.put("c_int4multirange", "int4multirange");
      c.put("c_nummultirange", "nummultirange");
      c.put("c_tstzmultirange", "tstzmultirange");
      c.put("c_datemultirange", "datemultirange");
    }
    c.put("c_enum", mood);
    c.put("c_domain", posint);
    c.put("c_int_arr", "integer[]");
    c.put("c_text_arr", "text[]");
    c.put("c_int_2d", "integer[]");
    c.put("c_text_2d", "text[]");
    c.put("c_tstz_arr", "timestamp with time zone[]");
    c.put("c_numeric_arr", "numeric[]");
    c.put("c_enum_arr", mood + "[]");
    c.put("c_big_text", "text");
    c.put("c_big_bytea", "bytea");
    return c;
  }

  private static Map<String, String> ordinary(PostgresServer pg, String mood) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("c_bool", "true");
    v.put("c_int2", "-32768");
    v.put("c_int4", "2147483647");
    v.put("c_int8", "-9223372036854775808");
    v.put("c_oid", "4294967295");
    v.put("c_float4", "0.1");
    v.put("c_float8", "0.30000000000000004");
    v.put("c_numeric", "'12345678901234567890.000000000000000001'");
    v.put("c_numeric_ps", "'1.50000000000000000000'");
    v.put("c_money", "'-12345.67'");
    v.put("c_char", "'ab'");
    v.put("c_bpchar", "'ab  '");
    v.put("c_varchar", "'varchar'");
    v.put("c_text", "E'tab\\there \"quoted\" back\\\\slash\\nnew line \u00e9 \\U0001F600'");
    v.put("c_name", "'a name'");
    v.put("c_qchar", "'x'");
    v.put("c_bytea", "'\\x00ff10'");
    v.put("c_uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
    v.put("c_json", "'{\"b\" :  1, \"a\": [1, 2.50, null], \"a\": \"duplicate\"}'");
    v.put("c_jsonb", "'{\"k\": [1, 2.50, {\"n\": null}], \"s\": \"\u00e9\"}'");
    v.put("c_xml", "'<a b=\"1\">text &amp; more</a>'");
    v.put("c_date", "'2024-02-29'");
    v.put("c_time", "'23:59:59.999999'");
    v.put("c_time3", "'12:34:56.789'");
    v.put("c_timetz", "'12:34:56.789+05:30'");
    v.put("c_ts", "'2024-02-29 23:59:59.999999'");
    v.put("c_tstz", "'2024-02-29 23:59:59.999999+02'");
    v.put("c_tstz3", "'2024-02-29 23:59:59.123+00'");
    v.put("c_interval", "'1 year 2 mons 3 days 04:05:06.789012'");
    v.put("c_bit", "B'10101'");
    v.put("c_varbit", "B'101'");
    v.put("c_inet", "'192.168.0.1/24'");
    v.put("c_cidr", "'10.0.0.0/8'");
    v.put("c_macaddr", "'08:00:2b:01:02:03'");
    v.put("c_macaddr8", "'08:00:2b:01:02:03:04:05'");
    v.put("c_point", "'(0.1,1e-300)'");
    v.put("c_line", "'{1,-1,0.5}'");
    v.put("c_lseg", "'[(0,0),(1.1,1)]'");
    v.put("c_box", "'(1,1),(0,0.3)'");
    v.put("c_path", "'[(0,0),(1,1),(2,0)]'");
    v.put("c_polygon", "'((0,0),(1,1),(1,0))'");
    v.put("c_circle", "'<(1,2),3.3>'");
    v.put("c_tsvector", "'a:1 fat:2B cat:3A'");
    v.put("c_tsquery", "'fat & (rat | !cat)'");
    v.put("c_lsn", "'16/B374D848'");
    v.put("c_int4range", "'[1,10)'");
    v.put("c_int8range", "'(,9223372036854775807)'");
    v.put("c_numrange", "'(1.5,2.50]'");
    v.put("c_tsrange", "'[2020-01-01 00:00,2021-01-01 00:00)'");
    v.put("c_tstzrange", "'[2020-01-01 00:00+00,infinity)'");
    v.put("c_daterange", "'[2020-01-01,2020-02-01)'");
    if (pg.majorVersion() >= 14) {
      v.put("c_int4multirange", "'{[1,3),[5,7)}'");
      v.put("c_nummultirange", "'{[1.0,2.00)}'");
      v.put("c_tstzmultirange", "'{[2020-01-01 00:00+00,2020-01-02 00:00+00)}'");
      v.put("c_datemultirange", "'{[2020-01-01,2020-01-05),[2020-02-01,)}'");
    }
    v.put("c_enum", "'with space'");
    v.put("c_domain", "42");
    v.put("c_int_arr", "'{1,NULL,3}'");
    v.put("c_text_arr", "ARRAY['a,b', 'c\"d', NULL, 'NULL', '', ' sp ', 'back\\slash', '{x}']");
    v.put("c_int_2d", "'{{1,NULL},{3,4}}'");
    v.put("c_text_2d", "'{{\"a b\",NULL},{\"}\",\"\\\\\"}}'");
    v.put(
        "c_tstz_arr", "'{\"2020-01-01 00:00:00+00\",NULL,infinity,\"0044-03-15 12:00:00+00 BC\"}'");
    v.put(
        "c_numeric_arr",
        pg.majorVersion() >= 14 ? "'{1.10,NaN,NULL,Infinity,-Infinity}'" : "'{1.10,NaN,NULL}'");
    v.put("c_enum_arr", "'{sad,\"with space\",NULL}'");
    return v;
  }

  /** Values at the edges of each type: NaN, infinities, BC, extreme offsets and scales. */
  private static Map<String, String> edges(PostgresServer pg, String mood) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("c_bool", "false");
    v.put("c_int2", "32767");
    v.put("c_int4", "-2147483648");
    v.put("c_int8", "9223372036854775807");
    v.put("c_oid", "0");
    v.put("c_float4", "'NaN'");
    v.put("c_float8", "'-Infinity'");
    v.put("c_numeric", "'NaN'");
    v.put("c_numeric_ps", "'-12345678901234567890.12345678901234567891'");
    v.put("c_money", "'0'");
    v.put("c_char", "''");
    v.put("c_bpchar", "''");
    v.put("c_varchar", "''");
    v.put("c_text", "''");
    v.put("c_name", "''");
    v.put("c_qchar", "''");
    v.put("c_bytea", "''");
    v.put("c_uuid", "'00000000-0000-0000-0000-000000000000'");
    v.put("c_json", "'\"\\u0000 escaped\"'");
    v.put("c_jsonb", "'[]'");
    v.put("c_xml", "'text only <x/> and more'");
    v.put("c_date", "'-infinity'");
    v.put("c_time", "'24:00:00'");
    v.put("c_time3", "'00:00:00'");
    v.put("c_timetz", "'23:59:59.999999-15:59'");
    v.put("c_ts", "'0044-03-15 12:00:00 BC'");
    v.put("c_tstz", "'infinity'");
    v.put("c_tstz3", "'4713-01-01 00:00:00+00 BC'");
    v.put("c_interval", "'-1 mons +30 days -00:00:00.000001'");
    v.put("c_bit", "B'00000'");
    v.put("c_varbit", "B''");
    v.put("c_inet", "'::1'");
    v.put("c_cidr", "'2001:db8::/32'");
    v.put("c_macaddr", "'ff:ff:ff:ff:ff:ff'");
    v.put("c_macaddr8", "'00:00:00:00:00:00:00:00'");
    v.put("c_point", "'(-0,1.7976931348623157e+308)'");
    v.put("c_line", "'{0,1,-3.3}'");
    v.put("c_lseg", "'[(1e-5,2),(3,4)]'");
    v.put("c_box", "'(0,0),(0,0)'");
    v.put("c_path", "'((0,0),(1,1),(2,0))'");
    v.put("c_polygon", "'((0.5,0.5))'");
    v.put("c_circle", "'<(0,0),0>'");
    v.put("c_tsvector", "''");
    v.put("c_tsquery", "'''quoted word'':* & b'");
    v.put("c_lsn", "'0/0'");
    v.put("c_int4range", "'empty'");
    v.put("c_int8range", "'(,)'");
    v.put("c_numrange", "'[0,0]'");
    v.put("c_tsrange", "'[-infinity,infinity]'");
    v.put("c_tstzrange", "'(,2020-01-01 00:00+00]'");
    v.put("c_daterange", "'empty'");
    if (pg.majorVersion() >= 14) {
      v.put("c_int4multirange", "'{}'");
      v.put("c_nummultirange", "'{(,)}'");
      v.put("c_tstzmultirange", "'{}'");
      v.put("c_datemultirange", "'{}'");
    }
    v.put("c_enum", "'sad'");
    v.put("c_domain", "2147483647");
    v.put("c_int_arr", "'{}'");
    v.put("c_text_arr", "'{NULL}'");
    v.put("c_int_2d", "'[0:1][-1:0]={{1,2},{3,4}}'");
    v.put("c_text_2d", "'{{\"\"},{NULL}}'");
    v.put("c_tstz_arr", "'{-infinity}'");
    v.put("c_numeric_arr", "'{{0.000000000000000000001},{-1e+30}}'");
    v.put("c_enum_arr", "'{}'");
    return v;
  }

  /** TOASTed values of over 1 MB that do not compress: random text and random bytes. */
  private static Map<String, String> large() {
    return Map.of(
        "c_int4", "1",
        "c_text", "'small'",
        "c_name", "'large'",
        "c_big_text", "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 40000))",
        "c_big_bytea",
            "(SELECT decode(string_agg(md5(random()::text), ''), 'hex')"
                + " FROM generate_series(1, 70000))");
  }

  private static Map<String, String> without(Map<String, String> values, String column) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove(column);
    return copy;
  }

  /** Every column but the key set to NULL. */
  private static Map<String, String> nulls(Map<String, String> columns) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String c : columns.keySet()) {
      v.put(c, "NULL");
    }
    return v;
  }

  private static String createTable(String table, Map<String, String> columns) {
    List<String> defs = new ArrayList<>();
    defs.add("id bigint PRIMARY KEY");
    columns.forEach((name, type) -> defs.add(name + " " + type));
    return "CREATE TABLE public." + table + " (" + String.join(", ", defs) + ")";
  }

  private static String insert(String table, long id, Map<String, String> values) {
    List<String> names = new ArrayList<>(List.of("id"));
    List<String> exprs = new ArrayList<>(List.of(Long.toString(id)));
    values.forEach(
        (name, value) -> {
          names.add(name);
          exprs.add(value);
        });
    return "INSERT INTO public."
        + table
        + " ("
        + String.join(", ", names)
        + ") VALUES ("
        + String.join(", ", exprs)
        + ")";
  }

  private static String update(String table, long id, Map<String, String> values) {
    List<String> sets = new ArrayList<>();
    values.forEach((name, value) -> sets.add(name + " = " + value));
    return "UPDATE public." + table + " SET " + String.join(", ", sets) + " WHERE id = " + id;
  }

  private static long countRows(PostgresServer pg, String table) throws SQLException {
    try (var c = pg.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM public." + table + "_copy")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
