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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad records: to the dead letter queue with the reason, or the task stops naming them. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkDeadLetterIT {
  private static Envelopes orders(String table) {
    return Envelopes.inPublic(
        table, key("id", "int64", "bigint"), column("qty", "string", "integer"));
  }

  @Test
  void badRecordsGoToTheDeadLetterQueueAndTheRestOfTheBatchIsWritten(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_dlq")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      Envelopes orders = orders(table);
      f.produce(
          List.of(
              orders.insert(row("id", 1, "qty", "10")),
              orders.insert(row("id", 2, "qty", "not a number")),
              orders.insert(row("id", 3, "qty", "30")),
              new String[] {
                orders.key(row("id", 4)), "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}"
              },
              orders.insert(row("id", 5, "qty", "99999999999")),
              orders.insert(row("id", 6, "qty", "60"))));

      f.start(f.tolerantConnector());

      f.awaitRows("SELECT id, qty FROM " + table + " ORDER BY id", List.of("1|10", "3|30", "6|60"));
      List<ConsumerRecord<String, String>> dead = f.deadLetters(3);
      assertThat(dead.stream().map(r -> header(r, "__connect.errors.offset")))
          .containsExactly("1", "3", "4");
      assertThat(header(dead.get(0), "__connect.errors.exception.message"))
          .contains("offset 1", "table public." + table, "column qty", "invalid input syntax");
      assertThat(header(dead.get(1), "__connect.errors.exception.message"))
          .contains("offset 3", "not a struct or a JSON object");
      assertThat(header(dead.get(2), "__connect.errors.exception.message"))
          .contains("offset 4", "column qty", "out of range");
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }

  @Test
  void aValueOfAnotherTypeThanItsSchemaGoesToTheDeadLetterQueueInsteadOfBeingCoerced(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_mismatch")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      Envelopes orders =
          Envelopes.inPublic(
              table, key("id", "int64", "bigint"), column("qty", "int32", "integer"));
      f.produce(
          List.of(
              orders.insert(row("id", 1, "qty", 10)),
              // A string in an int32 field: Kafka's converter reads it as 0.
              orders.insert(row("id", 2, "qty", "7")),
              orders.insert(row("id", 3, "qty", 30))));

      f.start(f.tolerantConnector());

      f.awaitRows("SELECT id, qty FROM " + table + " ORDER BY id", List.of("1|10", "3|30"));
      List<ConsumerRecord<String, String>> dead = f.deadLetters(1);
      assertThat(header(dead.get(0), "__connect.errors.offset")).isEqualTo("1");
      assertThat(header(dead.get(0), "__connect.errors.stage")).isEqualTo("VALUE_CONVERTER");
      assertThat(header(dead.get(0), "__connect.errors.exception.message"))
          .contains("JSON value at after.qty", "expected int32, found a string");
      assertThat(f.rows("SELECT id FROM " + table + " WHERE id = 2")).isEmpty();
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }

  @Test
  void withoutToleranceTheTaskStopsNamingRecordTableAndColumn(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_fail")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      Envelopes orders = orders(table);
      f.produce(
          List.of(
              orders.insert(row("id", 1, "qty", "10")),
              orders.insert(row("id", 2, "qty", "2.5")),
              orders.insert(row("id", 3, "qty", "30"))));

      ConnectorStatus status = f.startFailing(f.sourceTableConnector());

      assertThat(status.traces())
          .contains(
              "topic " + f.topic + ", partition 0, offset 1",
              "table public." + table,
              "column qty",
              "errors.tolerance=all");
      // Records before the bad one may be written; none after it.
      assertThat(f.rows("SELECT id FROM " + table + " WHERE id >= 2")).isEmpty();
    }
  }
}
