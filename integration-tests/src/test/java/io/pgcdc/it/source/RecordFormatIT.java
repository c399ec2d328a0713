package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records the source writes through the real worker and the JSON converter: the envelope, every
 * column's value as PostgreSQL prints it (or as the typed Connect value), the pgcdc.type schema
 * parameter, unchanged TOAST columns, tombstones, truncates, messages and added columns.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class RecordFormatIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Column name, type, and a value that the peers tested in docs/DESIGN.md changed. */
  private static final String[][] COLUMNS = {
    {"b", "boolean", "true"},
    {"i2", "smallint", "-32768"},
    {"i8", "bigint", "9223372036854775807"},
    {"num", "numeric(10,2)", "'NaN'"},
    {"num_big", "numeric", "12345678901234567890.000000000000000001"},
    {"f4", "real", "'NaN'"},
    {"f8", "double precision", "'-Infinity'"},
    {"f8_exact", "double precision", "0.1"},
    {"by", "bytea", "'\\x00ff10'"},
    {"txt", "text", "E'tab\\there\\nnewline \\\\ backslash'"},
    {"ch", "character(5)", "'ab'"},
    {"nm", "name", "'a_name'"},
    {"js", "jsonb", "'{\"a\": [1, 2.50, null]}'"},
    {"ip", "inet", "'192.168.0.1/24'"},
    {"rng", "int4range", "'[1,10)'"},
    {"iv", "interval", "'1 year 2 mons 3 days 04:05:06.789'"},
    {"ttz", "time with time zone", "'12:34:56.789+05:30'"},
    {"tstz", "timestamp with time zone", "'2024-02-29 23:59:59.999999+00'"},
    {"ts_bc", "timestamp without time zone", "'0044-03-15 12:00:00 BC'"},
    {"d_inf", "date", "'infinity'"},
    {"tstz_arr", "timestamp with time zone[]", "ARRAY['2020-01-01 00:00+00'::timestamptz, NULL]"},
    {"arr2", "integer[]", "'{{1,2},{3,4}}'"},
    {"circ", "circle", "'<(1,2),3>'"},
    {"u", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"},
    {"vb", "bit varying(8)", "B'101'"},
    {"mood", "%s_mood", "'happy'"},
    {"pos", "%s_pos", "42"},
    {"nul", "text", "NULL"},
  };

  /** Creates the enum, the domain and the table {@code name_t} of {@link #COLUMNS}, with row 1. */
  private static String createTable(PostgresServer pg, String name) {
    String table = name + "_t";
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (id int PRIMARY KEY");
    StringBuilder insert = new StringBuilder("INSERT INTO " + table + " VALUES (1");
    for (String[] c : COLUMNS) {
      ddl.append(", ").append(c[0]).append(' ').append(c[1].formatted(name));
      insert.append(", ").append(c[2]);
    }
    pg.execute(
        "CREATE TYPE " + name + "_mood AS ENUM ('sad', 'happy')",
        "CREATE DOMAIN " + name + "_pos AS integer CHECK (VALUE > 0)",
        ddl.append(", big text)").toString(),
        "ALTER TABLE " + table + " ALTER big SET STORAGE EXTERNAL",
        insert.append(", repeat('x', 10000))").toString());
    return table;
  }

  @Test
  void textModeCarriesPostgresTextAndTheEnvelopeThroughSnapshotAndStream(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("fmt");
    String table = createTable(pg, name);
    Map<String, String> expected = textValues(pg, table);
    try {
      cluster
          .rest()
          .create(SourceFixture.source(pg, name, "public." + table).with("value.mode", "text"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      String topic = name + ".public." + table;

      Change snapshot = SourceFixture.readUntil(cluster, topic, l -> l.size() >= 1, TIMEOUT).get(0);
      assertThat(snapshot.op()).isEqualTo("r");
      assertThat(snapshot.source().path("snapshot").asText()).isEqualTo("last");
      assertThat(snapshot.keyPayload().path("id").asInt()).isEqualTo(1);
      assertValues(snapshot, expected);
      assertSchema(snapshot, name);

      pg.execute(
          "UPDATE " + table + " SET txt = 'changed' WHERE id = 1",
          "INSERT INTO " + table + " (id, txt) VALUES (2, 'two')",
          "DELETE FROM " + table + " WHERE id = 2",
          "SELECT pg_logical_emit_message(true, 'audit', 'hello')",
          "ALTER TABLE " + table + " ADD COLUMN added integer",
          "INSERT INTO " + table + " (id, added) VALUES (3, 33)",
          "TRUNCATE " + table);
      List<Change> changes = SourceFixture.readUntil(cluster, topic, l -> l.size() >= 7, TIMEOUT);

      Change update = changes.get(1);
      assertThat(update.op()).isEqualTo("u");
      assertThat(update.after().path("txt").asText()).isEqualTo("changed");
      assertThat(update.after().has("big")).as("unchanged TOAST column omitted").isFalse();
      assertThat(update.source().path("unchanged_toast_columns").toString()).isEqualTo("[\"big\"]");
      assertThat(update.source().path("snapshot").asText()).isEqualTo("false");
      assertThat(update.source().path("commit_lsn").asLong()).isPositive();
      assertThat(update.source().path("txId").asLong()).isPositive();
      expected.put("txt", "changed");
      expected.remove("big");
      assertValues(update, expected);

      assertThat(changes.get(2).op()).isEqualTo("c");
      assertThat(changes.get(3).op()).isEqualTo("d");
      assertThat(changes.get(3).before().path("id").asInt()).isEqualTo(2);
      assertThat(changes.get(4).tombstone()).isTrue();
      assertThat(changes.get(4).keyPayload().path("id").asInt()).isEqualTo(2);
      assertThat(changes.get(5).op()).isEqualTo("c");
      assertThat(changes.get(5).after().path("added").asInt()).isEqualTo(33);
      assertThat(changes.get(6).op()).isEqualTo("t");
      assertThat(changes.get(6).key()).isNull();

      if (pg.majorVersion() < 14) {
        return; // pgoutput decodes logical messages from PostgreSQL 14 on
      }
      Change message =
          SourceFixture.readUntil(cluster, name + ".messages", l -> l.size() >= 1, TIMEOUT).get(0);
      JsonNode payload = message.value().path("payload");
      assertThat(payload.path("op").asText()).isEqualTo("m");
      assertThat(payload.path("message").path("prefix").asText()).isEqualTo("audit");
      assertThat(
              new String(
                  Base64.getDecoder().decode(payload.path("message").path("content").asText()),
                  StandardCharsets.UTF_8))
          .isEqualTo("hello");
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP TABLE " + table, "DROP TYPE " + name + "_mood", "DROP DOMAIN " + name + "_pos");
    }
  }

  @Test
  void typedModeGivesTheCdcEnvelopesTypesAndTheExactTextOfWhatTheyCannotHold(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("typed");
    String table = createTable(pg, name);
    try {
      cluster.rest().create(SourceFixture.source(pg, name, "public." + table));
      cluster.rest().awaitRunning(name, TIMEOUT);
      String topic = name + ".public." + table;
      Change row = SourceFixture.readUntil(cluster, topic, l -> l.size() >= 1, TIMEOUT).get(0);

      Map<String, String> schemas = afterSchemas(row);
      assertThat(schemas)
          .containsEntry("i2", "int16 - smallint")
          .containsEntry("num", "bytes org.apache.kafka.connect.data.Decimal numeric(10,2)")
          .containsEntry("num_big", "struct io.debezium.data.VariableScaleDecimal numeric")
          .containsEntry("f4", "float - real")
          .containsEntry("f8", "double - double precision")
          .containsEntry("js", "string io.debezium.data.Json jsonb")
          .containsEntry("u", "string io.debezium.data.Uuid uuid")
          .containsEntry("iv", "string io.debezium.time.Interval interval")
          .containsEntry("ttz", "string io.debezium.time.ZonedTime time with time zone")
          .containsEntry("tstz", "string io.debezium.time.ZonedTimestamp timestamp with time zone")
          .containsEntry(
              "ts_bc", "int64 io.debezium.time.MicroTimestamp timestamp without time zone")
          .containsEntry("d_inf", "int32 io.debezium.time.Date date")
          .containsEntry("tstz_arr", "array - timestamp with time zone[]")
          .containsEntry("arr2", "array - integer[]")
          .containsEntry("mood", "string io.debezium.data.Enum " + name + "_mood")
          .containsEntry("pos", "int32 - " + name + "_pos")
          .containsEntry("circ", "string - circle");

      JsonNode after = row.after();
      assertThat(after.path("f4").asText()).isEqualTo("NaN");
      assertThat(after.path("f8").asText()).isEqualTo("-Infinity");
      assertThat(after.path("f8_exact").doubleValue()).isEqualTo(0.1);
      assertThat(after.path("num_big").path("scale").asInt()).isEqualTo(18);
      assertThat(
              new java.math.BigDecimal(
                  new java.math.BigInteger(
                      Base64.getDecoder().decode(after.path("num_big").path("value").asText())),
                  18))
          .isEqualTo(new java.math.BigDecimal("12345678901234567890.000000000000000001"));
      assertThat(after.path("iv").asText()).isEqualTo("P1Y2M3DT4H5M6.789S");
      assertThat(after.path("ttz").asText()).isEqualTo("12:34:56.789+05:30");
      assertThat(after.path("tstz").asText()).isEqualTo("2024-02-29T23:59:59.999999Z");
      assertThat(after.path("ts_bc").asLong())
          .isEqualTo(
              java.time.LocalDateTime.of(-43, 3, 15, 12, 0).toEpochSecond(java.time.ZoneOffset.UTC)
                  * 1_000_000L);
      assertThat(after.path("tstz_arr").toString()).isEqualTo("[\"2020-01-01T00:00:00Z\",null]");
      assertThat(after.path("ch").asText()).isEqualTo("ab   ");
      assertThat(after.path("mood").asText()).isEqualTo("happy");
      assertThat(after.path("pos").asInt()).isEqualTo(42);

      // Values no typed field can hold: null in the field, the exact text in source.text_values.
      assertThat(after.path("num").isNull()).isTrue();
      assertThat(after.path("d_inf").isNull()).isTrue();
      assertThat(after.path("arr2").isNull()).isTrue();
      assertThat(row.source().path("text_values").toString())
          .isEqualTo(
              "{\"after.num\":\"NaN\",\"after.d_inf\":\"infinity\","
                  + "\"after.arr2\":\"{{1,2},{3,4}}\"}");
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP TABLE " + table, "DROP TYPE " + name + "_mood", "DROP DOMAIN " + name + "_pos");
    }
  }

  /** Each after field as "type name pgcdc.type", with "-" for a schema without a name. */
  private static Map<String, String> afterSchemas(Change change) {
    Map<String, String> fields = new HashMap<>();
    for (JsonNode envelopeField : change.value().path("schema").path("fields")) {
      if (envelopeField.path("field").asText().equals("after")) {
        for (JsonNode f : envelopeField.path("fields")) {
          fields.put(
              f.path("field").asText(),
              f.path("type").asText()
                  + " "
                  + f.path("name").asText("-")
                  + " "
                  + f.path("parameters").path("pgcdc.type").asText());
        }
      }
    }
    return fields;
  }

  @Test
  void tsMsIsWhenTheRecordWasBuiltNeverBeforeItsCommit(PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("tsms");
    String table = name + "_t";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY)", "INSERT INTO " + table + " VALUES (0)");
    try {
      cluster.rest().create(SourceFixture.source(pg, name, "public." + table));
      String topic = name + ".public." + table;
      SourceFixture.readUntil(cluster, topic, l -> l.size() >= 1, TIMEOUT);
      // Each insert follows the record of the one before in Kafka: the task's poll that reads it
      // began before the insert, and ts_ms must still come after the commit.
      for (int i = 1; i <= 5; i++) {
        pg.execute("INSERT INTO " + table + " VALUES (" + i + ")");
        int count = i + 1;
        SourceFixture.readUntil(cluster, topic, l -> l.size() >= count, TIMEOUT);
      }

      List<Change> changes = SourceFixture.readUntil(cluster, topic, l -> l.size() >= 6, TIMEOUT);

      assertThat(changes).extracting(Change::op).containsExactly("r", "c", "c", "c", "c", "c");
      // The server's commit time (source.ts_ms) and the worker's clock are this machine's clock.
      for (Change c : changes) {
        long built = c.value().path("payload").path("ts_ms").asLong();
        long committed = c.source().path("ts_ms").asLong();
        assertThat(built)
            .as("ts_ms of row %s, source.ts_ms %s", c.after().path("id"), committed)
            .isGreaterThanOrEqualTo(committed);
      }
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  @Test
  void partitionedTableIsCapturedThroughItsRoot(PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("part");
    String table = name + "_t";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, v text) PARTITION BY RANGE (id)",
        "CREATE TABLE " + table + "_a PARTITION OF " + table + " FOR VALUES FROM (0) TO (100)",
        "CREATE TABLE " + table + "_b PARTITION OF " + table + " FOR VALUES FROM (100) TO (200)",
        "INSERT INTO " + table + " VALUES (1, 'snapshot a'), (101, 'snapshot b')");
    try {
      if (pg.majorVersion() < 13) {
        Map<String, String> config =
            new HashMap<>(SourceFixture.source(pg, name, "public." + table).config());
        config.put("name", name);
        assertThat(
                cluster
                    .rest()
                    .validate("io.pgcdc.connector.source.PostgresSourceConnector", config)
                    .toString())
            .contains("PostgreSQL 12 cannot publish a partitioned table");
        return;
      }
      cluster.rest().create(SourceFixture.source(pg, name, "public." + table));
      cluster.rest().awaitRunning(name, TIMEOUT);
      String topic = name + ".public." + table;
      SourceFixture.readUntil(cluster, topic, l -> l.size() >= 2, TIMEOUT);
      pg.execute("INSERT INTO " + table + " VALUES (2, 'stream a'), (102, 'stream b')");

      List<Change> changes = SourceFixture.readUntil(cluster, topic, l -> l.size() >= 4, TIMEOUT);

      assertThat(changes)
          .extracting(c -> c.op() + " " + c.after().path("v").asText())
          .containsExactlyInAnyOrder("r snapshot a", "r snapshot b", "c stream a", "c stream b");
      assertThat(changes).allMatch(c -> c.source().path("table").asText().equals(table));
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  @Test
  void validationNamesTheTableWithoutKeyAndTheFix(PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("nokey");
    pg.execute("CREATE TABLE " + table + " (a int, b text)");
    try {
      Map<String, String> config =
          new HashMap<>(SourceFixture.source(pg, table, "public." + table).config());
      config.put("name", table);
      JsonNode answer =
          cluster.rest().validate("io.pgcdc.connector.source.PostgresSourceConnector", config);
      List<String> errors =
          ConnectRestClient.validationErrors(answer).entrySet().stream()
              .map(e -> e.getKey() + ": " + e.getValue())
              .toList();
      assertThat(errors)
          .as("validation errors")
          .anySatisfy(
              e ->
                  assertThat(e)
                      .startsWith("table.include.list: ")
                      .contains("public." + table + " has no primary key")
                      .contains("REPLICA IDENTITY FULL")
                      .contains("table.key.columns"));
    } finally {
      pg.execute("DROP TABLE " + table);
    }
  }

  /** Each column's text form as PostgreSQL prints it (UTC, ISO dates), or null. */
  private static Map<String, String> textValues(PostgresServer pg, String table)
      throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
        rs.next();
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          values.put(md.getColumnName(i), rs.getString(i));
        }
      }
    }
    return values;
  }

  private static void assertValues(Change change, Map<String, String> expected) {
    JsonNode after = change.after();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      JsonNode v = after.path(e.getKey());
      String actual;
      if (v.isNull()) {
        actual = null;
      } else if (e.getKey().equals("by")) {
        actual = "\\x" + java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(v.asText()));
      } else if (e.getKey().equals("b")) {
        actual = v.asBoolean() ? "t" : "f";
      } else {
        actual = v.asText();
      }
      assertThat(actual).as("column %s", e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static void assertSchema(Change change, String name) {
    Map<String, String[]> fields = new HashMap<>();
    for (JsonNode envelopeField : change.value().path("schema").path("fields")) {
      if (envelopeField.path("field").asText().equals("after")) {
        for (JsonNode f : envelopeField.path("fields")) {
          fields.put(
              f.path("field").asText(),
              new String[] {
                f.path("type").asText(), f.path("parameters").path("pgcdc.type").asText()
              });
        }
      }
    }
    assertThat(fields.get("id")).containsExactly("int32", "integer");
    assertThat(fields.get("b")).containsExactly("boolean", "boolean");
    assertThat(fields.get("i2")).containsExactly("int16", "smallint");
    assertThat(fields.get("i8")).containsExactly("int64", "bigint");
    assertThat(fields.get("by")).containsExactly("bytes", "bytea");
    assertThat(fields.get("f8")).containsExactly("string", "double precision");
    assertThat(fields.get("num")).containsExactly("string", "numeric(10,2)");
    assertThat(fields.get("ch")).containsExactly("string", "character(5)");
    assertThat(fields.get("tstz_arr")).containsExactly("string", "timestamp with time zone[]");
    assertThat(fields.get("vb")).containsExactly("string", "bit varying(8)");
    assertThat(fields.get("mood")).containsExactly("string", name + "_mood");
    assertThat(fields.get("pos")).containsExactly("string", name + "_pos");
  }
}
