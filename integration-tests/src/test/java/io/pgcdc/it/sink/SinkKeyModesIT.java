package io.pgcdc.it.sink;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** primary.key.mode none (append), kafka (topic, partition, offset) and record_value. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkKeyModesIT {
  private static final List<String[]> EVENTS =
      List.of(
          new String[] {null, "{\"device\":\"a\",\"reading\":1}"},
          new String[] {null, "{\"device\":\"b\",\"reading\":2}"},
          new String[] {null, "{\"device\":\"a\",\"reading\":3}"});

  private static ConnectorDefinition schemaless(SinkFixture f, String table) {
    return f.connector()
        .with("table.name.format", table)
        .with("key.converter", "org.apache.kafka.connect.storage.StringConverter")
        .with("value.converter", "org.apache.kafka.connect.json.JsonConverter")
        .with("value.converter.schemas.enable", "false");
  }

  @Test
  void appendsEveryRecordWithoutAKey(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_append")) {
      String table = f.createTable(f.name, "(device text, reading integer)");
      f.produce(EVENTS);

      f.start(
          schemaless(f, table)
              .with("primary.key.mode", "none")
              .with("insert.mode", "insert")
              .with("delete.enabled", "false"));

      f.awaitRows(
          "SELECT device, reading FROM " + table + " ORDER BY reading",
          List.of("a|1", "b|2", "a|3"));
    }
  }

  @Test
  void keysRowsByKafkaCoordinates(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_coords")) {
      String table = f.table(f.name);
      f.produce(EVENTS);

      f.start(
          schemaless(f, table)
              .with("primary.key.mode", "kafka")
              .with("delete.enabled", "false")
              .with("auto.create", "true"));

      f.awaitRows(
          "SELECT __connect_topic = '"
              + f.topic
              + "', __connect_partition, __connect_offset, device, reading FROM "
              + table
              + " ORDER BY __connect_offset",
          List.of("t|0|0|a|1", "t|0|1|b|2", "t|0|2|a|3"));
    }
  }

  @Test
  void keysRowsByValueFields(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_byvalue")) {
      String table = f.createTable(f.name, "(device text PRIMARY KEY, reading integer)");
      f.produce(EVENTS);

      f.start(
          schemaless(f, table)
              .with("primary.key.mode", "record_value")
              .with("primary.key.fields", "device"));

      f.awaitRows(
          "SELECT device, reading FROM " + table + " ORDER BY device", List.of("a|3", "b|2"));
    }
  }
}
