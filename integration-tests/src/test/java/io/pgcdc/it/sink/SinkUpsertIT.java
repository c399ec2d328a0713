package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Change records through a real Connect worker into PostgreSQL: upserts, deletes, exact values. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkUpsertIT {

  @Test
  void appliesInsertsUpdatesAndDeletesOfTheEnvelopeInOrder(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_upsert")) {
      String table = f.table(f.name);
      Envelopes orders =
          Envelopes.inPublic(
              f.name,
              key("id", "int64", "bigint"),
              column("note", "string", "text"),
              column("amount", "string", "numeric(10,2)"));
      List<String[]> records = new ArrayList<>();
      for (int id = 1; id <= 4; id++) {
        records.add(orders.insert(row("id", id, "note", "n" + id, "amount", id + ".50")));
      }
      records.add(orders.update(row("id", 2, "note", "tab\there\nand \\N", "amount", "-0.01")));
      records.add(orders.delete(row("id", 3)));
      records.add(orders.tombstone(row("id", 3)));
      records.add(orders.delete(row("id", 4)));
      records.add(orders.insert(row("id", 4, "note", "again", "amount", null)));
      f.produce(records);

      f.start(f.sourceTableConnector().with("auto.create", "true"));

      List<String> expected = List.of("1|n1|1.50", "2|tab\there\nand \\N|-0.01", "4|again|null");
      String select = "SELECT id, note, amount FROM " + SinkFixture.quote(table) + " ORDER BY id";
      f.awaitRows(select, expected);
      f.awaitCommittedOffset(f.name, records.size());

      // A replay (a new consumer group reading the topic from its start, as after a crash
      // before the offsets were committed) leaves the same rows.
      String replay = f.name + "_replay";
      try {
        cluster
            .rest()
            .create(
                f.connector()
                    .withName(replay)
                    .with("table.name.format", "${source.schema}.${source.table}")
                    .with("auto.create", "true"));
        f.awaitCommittedOffset(replay, records.size());
      } finally {
        cluster.rest().delete(replay);
      }
      assertThat(f.rows(select)).isEqualTo(expected);
      assertThat(
              f.rows(
                  "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                      + " WHERE a.attrelid = 'public."
                      + table
                      + "'::regclass AND a.attnum > 0 ORDER BY a.attnum"))
          .containsExactly("id|bigint", "note|text", "amount|numeric(10,2)");
      assertThat(
              f.rows(
                  "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                      + " AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid ="
                      + " 'public."
                      + table
                      + "'::regclass"))
          .containsExactly("id");
    }
  }

  @Test
  void keepsValuesAndTypesThatPeerPipelinesChange(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_types")) {
      String mood = f.name + "_mood";
      pg.execute("CREATE TYPE public." + mood + " AS ENUM ('sad', 'happy')");
      String table = f.table(f.name);
      f.cleanUpAlso("DROP TYPE IF EXISTS public." + mood);
      Map<String, String[]> cases = new java.util.LinkedHashMap<>();
      // column -> {Connect type, PostgreSQL type, value as the source sends it (PostgreSQL text)}
      cases.put("num", new String[] {"string", "numeric(12,3)", "123456789.123"});
      cases.put("num_nan", new String[] {"string", "numeric", "NaN"});
      cases.put("fixed", new String[] {"string", "character(5)", "ab   "});
      cases.put("span", new String[] {"string", "interval", "1 year 2 mons 3 days 04:05:06.789"});
      cases.put("tz_time", new String[] {"string", "time with time zone", "10:11:12.5+05:30"});
      cases.put("grid", new String[] {"string", "integer[]", "{{1,2},{3,NULL}}"});
      cases.put("ring", new String[] {"string", "circle", "<(1,2),3>"});
      cases.put(
          "stamps",
          new String[] {
            "string", "timestamp with time zone[]", "{\"2024-02-29 23:59:59.999999+00\",NULL}"
          });
      cases.put("addr", new String[] {"string", "inet", "10.1.2.3/16"});
      cases.put("span_range", new String[] {"string", "int4range", "[1,5)"});
      cases.put("doc", new String[] {"string", "jsonb", "{\"a\": [1, 2.50, \"x\\ty\"]}"});
      cases.put("nm", new String[] {"string", "name", "some_name"});
      cases.put("feeling", new String[] {"string", mood, "happy"});
      cases.put("blob", new String[] {"bytes", "bytea", null});
      cases.put("flag", new String[] {"boolean", "boolean", null});
      cases.put("dbl", new String[] {"double", "double precision", null});
      List<Envelopes.Column> columns = new ArrayList<>();
      columns.add(key("id", "int32", "integer"));
      cases.forEach((name, c) -> columns.add(column(name, c[0], c[1])));
      Envelopes records = new Envelopes("public", table, columns);
      Map<String, Object> values = row("id", 1);
      cases.forEach((name, c) -> values.put(name, c[2]));
      values.put("blob", "AP8Q"); // base64 of 00 ff 10, as the JSON converter writes bytes
      values.put("flag", true);
      values.put("dbl", 1.0E-300);
      Map<String, Object> updated = new java.util.LinkedHashMap<>(values);
      updated.put("nm", "other_name");
      f.produce(List.of(records.insert(values), records.update(updated)));

      f.start(f.sourceTableConnector().with("auto.create", "true"));

      List<String> names = new ArrayList<>(cases.keySet());
      f.awaitRows("SELECT nm FROM " + SinkFixture.quote(table), List.of("other_name"));
      // (character(n) keeps its padding in its output, but loses it in a cast to text.)
      String select =
          "SELECT "
              + String.join(
                  ", ", names.stream().map(n -> n.equals("fixed") ? n : n + "::text").toList());
      List<String> expected = new ArrayList<>();
      cases.forEach((name, c) -> expected.add(c[2]));
      expected.set(names.indexOf("nm"), "other_name");
      expected.set(names.indexOf("blob"), "\\x00ff10");
      expected.set(names.indexOf("flag"), "true");
      expected.set(names.indexOf("dbl"), "1e-300");
      assertThat(f.rows(select + " FROM " + SinkFixture.quote(table)))
          .containsExactly(String.join("|", expected));
      List<String> types = new ArrayList<>();
      cases.forEach((name, c) -> types.add(name + "|" + c[1]));
      assertThat(
              f.rows(
                  "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                      + " WHERE a.attrelid = 'public."
                      + table
                      + "'::regclass AND a.attnum > 1 ORDER BY a.attnum"))
          .containsExactlyElementsOf(types);
    }
  }

  @Test
  void writesFlatSchemalessJsonAndDeletesOnTombstones(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_flat")) {
      String table =
          f.createTable(
              f.name,
              "(tenant text, id bigint, info jsonb, tags text[], score numeric,"
                  + " PRIMARY KEY (tenant, id))");
      f.produce(
          List.of(
              new String[] {
                "{\"tenant\":\"a\",\"id\":1}",
                "{\"tenant\":\"a\",\"id\":1,\"info\":{\"k\":[1,true]},\"tags\":[\"x\",\"y z\"],\"score\":2.5}"
              },
              new String[] {
                "{\"tenant\":\"a\",\"id\":2}", "{\"tenant\":\"a\",\"id\":2,\"score\":7}"
              },
              new String[] {
                "{\"tenant\":\"b\",\"id\":1}", "{\"tenant\":\"b\",\"id\":1,\"score\":1}"
              },
              new String[] {"{\"tenant\":\"a\",\"id\":2}", null},
              new String[] {
                "{\"tenant\":\"b\",\"id\":1}", "{\"tenant\":\"b\",\"id\":1,\"score\":3}"
              }));

      f.start(
          f.connector()
              .with("table.name.format", table)
              .with("key.converter.schemas.enable", "false")
              .with("value.converter.schemas.enable", "false")
              .with("key.converter", "org.apache.kafka.connect.json.JsonConverter")
              .with("value.converter", "org.apache.kafka.connect.json.JsonConverter")
              .with("auto.create", "false"));

      f.awaitRows(
          "SELECT tenant, id, info, tags, score FROM " + table + " ORDER BY tenant, id",
          List.of("a|1|{\"k\": [1, true]}|{x,\"y z\"}|2.5", "b|1|null|null|3"));
    }
  }
}
