package io.pgcdc.it.statement;

import static io.pgcdc.it.statement.StatementFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The statement sink on a real worker: binding, templates per operation, bad records. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class StatementSinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void valuesAreBoundNeverSplicedAndDollarQuotedBodiesAreLeftAlone(
      ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_bind")) {
      String notes = f.name + "_notes";
      String victims = f.name + "_victims";
      String log = f.name + "_log";
      f.create(
          "CREATE TABLE "
              + notes
              + " (id int PRIMARY KEY, note text, trace text, topic text, kafka_offset bigint)",
          "DROP TABLE " + notes);
      f.create("CREATE TABLE " + victims + " (id int)", "DROP TABLE IF EXISTS " + victims);
      f.create("CREATE TABLE " + log + " (msg text)", "DROP TABLE " + log);
      String evil = "x'); DROP TABLE " + victims + "; --";
      String quoted = "it's \\\"quoted\\\" $$ :value.id";
      f.produce(
          List.of(
              new String[] {
                "1",
                "{\"id\":1,\"note\":\"" + evil + "\",\"address\":{\"city\":\"Lyon\"}}",
                "trace",
                "t-1"
              },
              new String[] {
                "2",
                "{\"id\":2,\"note\":\"" + quoted + "\",\"address\":{\"city\":\"Köln\"}}",
                "trace",
                "t-2"
              }));

      f.start(
          f.schemaless()
              .with(
                  "statement",
                  "INSERT INTO "
                      + notes
                      + " (id, note, trace, topic, kafka_offset) VALUES (:value.id, :value.note,"
                      + " :header.trace, :topic, :offset);\n"
                      + "INSERT INTO "
                      + log
                      + " (msg) SELECT $$ :value.id stays; ' $$::text || :value.address.city"));

      f.awaitRows(
          "SELECT id, note, trace, topic, kafka_offset FROM " + notes + " ORDER BY id",
          List.of(
              "1|" + evil + "|t-1|" + f.topic + "|0",
              "2|it's \"quoted\" $$ :value.id|t-2|" + f.topic + "|1"));
      assertThat(f.rows("SELECT msg FROM " + log + " ORDER BY msg"))
          .containsExactly(" :value.id stays; ' Köln", " :value.id stays; ' Lyon");
      assertThat(f.rows("SELECT count(*) FROM " + victims)).containsExactly("0");
    }
  }

  @Test
  void eachOperationRunsItsOwnTemplateWithValuesCastToTheirPostgresTypes(
      ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_ops")) {
      String items = f.name + "_items";
      String deleted = f.name + "_deleted";
      f.create(
          "CREATE TABLE " + items + " (id bigint PRIMARY KEY, amount numeric(10,2), doc jsonb)",
          "DROP TABLE " + items);
      f.create(
          "CREATE TABLE " + deleted + " (id bigint, amount numeric(10,2))",
          "DROP TABLE " + deleted);
      CdcRecords cdc =
          new CdcRecords(
              new String[] {"id", "int64", "bigint"},
              new String[] {"amount", "string", "numeric(10,2)"});
      f.produce(
          List.of(
              cdc.insert(1, "12.50"),
              cdc.insert(2, "3.10"),
              cdc.update(1, "13.00"),
              cdc.delete(2, "3.10"),
              cdc.tombstone(2),
              cdc.insert(3, "0.01")));

      f.start(
          f.connector()
              .with(
                  "statement.insert",
                  "INSERT INTO "
                      + items
                      + " (id, amount, doc) VALUES (:value.id, :value.amount,"
                      + " jsonb_build_object('amount', :value.amount, 'op', :op))")
              .with(
                  "statement.update",
                  "UPDATE " + items + " SET amount = :value.amount WHERE id = :key.id")
              .with(
                  "statement.delete",
                  "INSERT INTO "
                      + deleted
                      + " VALUES (:before.id, :before.amount); DELETE FROM "
                      + items
                      + " WHERE id = :value.id"));

      f.awaitRows(
          "SELECT id, amount, doc->>'op', jsonb_typeof(doc->'amount'), doc->>'amount' FROM "
              + items
              + " ORDER BY id",
          List.of("1|13.00|c|number|12.50", "3|0.01|c|number|0.01"));
      assertThat(f.rows("SELECT id, amount FROM " + deleted)).containsExactly("2|3.10");
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }

  @Test
  void onlyTheBadRecordsOfABatchGoToTheDeadLetterQueueAndTheRestIsApplied(
      ConnectCluster cluster, PostgresServer pg) throws Exception {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_dlq")) {
      String table = f.name + "_t";
      f.create(
          "CREATE TABLE " + table + " (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0))",
          "DROP TABLE " + table);
      List<String[]> records = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String value =
            switch (i) {
              case 5 -> "{\"id\":5,\"qty\":-1}"; // check violation
              case 12 -> "{\"id\":12}"; // no qty field
              case 15 -> "{\"id\":3,\"qty\":1}"; // the key of offset 3 again
              default -> "{\"id\":" + i + ",\"qty\":" + i + "}";
            };
        records.add(new String[] {String.valueOf(i), value});
        if (i != 5 && i != 12 && i != 15) {
          expected.add(i + "|" + i);
        }
      }
      f.produce(records);

      f.start(
          f.schemaless()
              .with(StatementFixture.deadLetterQueue(f.dlq))
              .with(
                  "statement",
                  "INSERT INTO " + table + " (id, qty) VALUES (:value.id, :value.qty)"));

      f.awaitRows("SELECT id, qty FROM " + table + " ORDER BY id", expected);
      List<ConsumerRecord<String, String>> dead = f.deadLetters(3);
      assertThat(dead.stream().map(r -> header(r, "__connect.errors.offset")))
          .containsExactly("5", "12", "15");
      assertThat(dead.stream().map(r -> header(r, "pgcdc.error.sqlstate")))
          .containsExactly("23514", null, "23505");
      assertThat(header(dead.get(0), "pgcdc.error.statement"))
          .isEqualTo(
              "statement: INSERT INTO " + table + " (id, qty) VALUES (:value.id, :value.qty)");
      assertThat(header(dead.get(0), "pgcdc.error.message"))
          .contains("offset 5", "check constraint");
      assertThat(header(dead.get(1), "__connect.errors.exception.message"))
          .contains("offset 12", "no field for parameter :value.qty");
      // Written again by the connector's converter (to carry the headers): same JSON.
      assertThat(JSON.readTree(dead.get(2).value()))
          .isEqualTo(JSON.readTree("{\"id\":3,\"qty\":1}"));
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }

  /**
   * A template of several statements goes out many records to a text: every record's statements
   * still run in order, records in offset order, across the texts' boundaries (200 records are
   * texts of 64, 64, 64 and 8); a bad record among them is singled out and the rest applied.
   */
  @Test
  void aTemplateOfSeveralStatementsRunsThemInOrderRecordByRecord(
      ConnectCluster cluster, PostgresServer pg) throws Exception {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_multi")) {
      String log = f.name + "_log";
      String seq = f.name + "_seq";
      f.create("CREATE SEQUENCE " + seq, "DROP SEQUENCE " + seq);
      f.create(
          "CREATE TABLE "
              + log
              + " (seq bigint PRIMARY KEY, id int NOT NULL CHECK (id <> 77), step text)",
          "DROP TABLE " + log);
      List<String[]> records = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        records.add(new String[] {String.valueOf(i), "{\"id\":" + i + "}"});
        if (i != 77) {
          expected.add(i + "|first");
          expected.add(i + "|second -- not a comment");
        }
      }
      f.produce(records);

      f.start(
          f.schemaless()
              .with("consumer.override.max.poll.records", "500")
              .with(StatementFixture.deadLetterQueue(f.dlq))
              .with(
                  "statement",
                  "INSERT INTO "
                      + log
                      + " VALUES (nextval('"
                      + seq
                      + "'), :value.id, 'first') -- a trailing comment\n;"
                      + " INSERT INTO "
                      + log
                      + " VALUES (nextval('"
                      + seq
                      + "'), :value.id, 'second -- not a comment')"));

      f.awaitRows("SELECT count(*) FROM " + log, List.of(String.valueOf(expected.size())));
      assertThat(f.rows("SELECT id, step FROM " + log + " ORDER BY seq"))
          .containsExactlyElementsOf(expected);
      List<ConsumerRecord<String, String>> dead = f.deadLetters(1);
      assertThat(header(dead.get(0), "__connect.errors.offset")).isEqualTo("77");
      assertThat(header(dead.get(0), "pgcdc.error.sqlstate")).isEqualTo("23514");
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }

  @Test
  void withoutToleranceTheTaskStopsNamingTheRecordAndAppliesNothingOfItsBatch(
      ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_fail")) {
      String table = f.name + "_t";
      f.create(
          "CREATE TABLE " + table + " (id int PRIMARY KEY, qty int NOT NULL)",
          "DROP TABLE " + table);
      f.produce(
          List.of(
              new String[] {"1", "{\"id\":1,\"qty\":1}"},
              new String[] {"2", "{\"id\":2,\"qty\":\"many\"}"},
              new String[] {"3", "{\"id\":3,\"qty\":3}"}));

      ConnectorStatus status =
          f.startFailing(
              f.schemaless()
                  .with(
                      "statement",
                      "INSERT INTO " + table + " (id, qty) VALUES (:value.id, :value.qty)"));

      assertThat(status.traces())
          .contains(
              "topic " + f.topic + ", partition 0, offset 1",
              "SQLSTATE 22P02",
              "errors.tolerance=all");
      assertThat(f.rows("SELECT id FROM " + table + " WHERE id >= 2")).isEmpty();
    }
  }
}
