package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static io.pgcdc.it.sink.SinkFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record names its own target table (${source.schema}): the sink writes only into the tables
 * table.allow.list allows (by default the schema public), and a record that names another goes to
 * the dead letter queue, even into a schema the sink's user may write.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkTargetScopeIT {

  /** A schema the sink's user can write, with a table "victim" that no record should reach. */
  private static String auditSchema(SinkFixture f) {
    String schema = f.name + "_audit";
    f.cleanUpAlso("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    f.pg.execute(
        "CREATE SCHEMA " + schema,
        "CREATE TABLE " + schema + ".victim (id bigint PRIMARY KEY, qty integer)");
    return schema;
  }

  private static Envelopes orders(String schema, String table) {
    return new Envelopes(
        schema, table, List.of(key("id", "int64", "bigint"), column("qty", "string", "integer")));
  }

  @Test
  void aRecordNamingAnotherSchemaIsNotWrittenThereAndGoesToTheDeadLetterQueue(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_scope")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      String audit = auditSchema(f);
      f.produce(
          List.of(
              orders("public", table).insert(row("id", 1, "qty", "10")),
              orders(audit, "victim").insert(row("id", 666, "qty", "1")),
              orders("public", table).insert(row("id", 2, "qty", "20"))));

      f.start(f.tolerantConnector());

      f.awaitRows("SELECT id, qty FROM " + table + " ORDER BY id", List.of("1|10", "2|20"));
      List<ConsumerRecord<String, String>> dead = f.deadLetters(1);
      assertThat(header(dead.get(0), "__connect.errors.offset")).isEqualTo("1");
      assertThat(header(dead.get(0), "__connect.errors.exception.message"))
          .contains(
              "topic " + f.topic + ", partition 0, offset 1",
              audit + ".victim is not allowed",
              "table.allow.list");
      f.awaitCommittedOffset(f.name, 3);
      assertThat(f.rows("SELECT id FROM " + audit + ".victim")).isEmpty();
    }
  }

  @Test
  void anAllowListPatternPermitsItsTablesAndNoOthers(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_allow")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      String audit = auditSchema(f);
      f.produce(
          List.of(
              orders(audit, "victim").insert(row("id", 7, "qty", "70")),
              orders("public", table).insert(row("id", 1, "qty", "10"))));

      f.start(f.tolerantConnector().with("table.allow.list", audit + ".vic*"));

      f.awaitRows("SELECT id, qty FROM " + audit + ".victim", List.of("7|70"));
      List<ConsumerRecord<String, String>> dead = f.deadLetters(1);
      assertThat(header(dead.get(0), "__connect.errors.exception.message"))
          .contains(
              "offset 1",
              "public." + table + " is not allowed",
              "matches no entry of table.allow.list [" + audit + ".vic*]");
      assertThat(f.rows("SELECT id FROM " + table)).isEmpty();
    }
  }

  @Test
  void withoutToleranceTheTaskStopsNamingTheTableAndTheSetting(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_scope_fail")) {
      String audit = auditSchema(f);
      f.produce(List.<String[]>of(orders(audit, "victim").insert(row("id", 666, "qty", "1"))));

      ConnectorStatus status = f.startFailing(f.sourceTableConnector());

      assertThat(status.traces())
          .contains(
              "topic " + f.topic + ", partition 0, offset 0",
              audit + ".victim is not allowed",
              "table.allow.list");
      assertThat(f.rows("SELECT id FROM " + audit + ".victim")).isEmpty();
    }
  }

  @Test
  void validationRejectsAMalformedEntryNamingTheSetting(ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_scope_validate");

    Map<String, String> errors =
        f.validationErrors(Map.of("table.allow.list", "public.*, \"unterminated.t"));

    assertThat(errors).containsOnlyKeys("table.allow.list");
    assertThat(errors.get("table.allow.list")).contains("\"unterminated.t", "unterminated");
  }
}
