package io.pgcdc.it.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records in Debezium's shape, with its semantic types (VariableScaleDecimal, MicroTimestamp), its
 * placeholder for unchanged TOAST values, and a truncate event.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkForeignEnvelopeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void appliesDebeziumChangeEventsWithTheirTypesPlaceholdersAndTruncates(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_dbz")) {
      String table =
          f.createTable(
              f.name, "(id integer PRIMARY KEY, price numeric, created timestamp, note text)");
      f.produce(
          List.of(
              change(table, "c", 1, "BNI=", 2, 1_700_000_000_123_456L, "first"),
              change(table, "c", 2, "BNI=", 2, 1_700_000_000_000_000L, "second"),
              truncate(table),
              change(table, "c", 3, "AN0=", 1, 1_700_000_000_000_001L, "kept"),
              change(
                  table,
                  "u",
                  3,
                  "AQ==",
                  0,
                  1_700_000_000_000_001L,
                  "__debezium_unavailable_value")));

      f.start(
          f.sourceTableConnector().with("truncate.enabled", "true").with("auto.create", "false"));

      f.awaitRows(
          "SELECT id, price, created, note FROM " + table + " ORDER BY id",
          List.of("3|1|2023-11-14 22:13:20.000001|kept"));
    }
  }

  private static String[] change(
      String table, String op, int id, String unscaled, int scale, long micros, String note) {
    ObjectNode row = struct("dbz.Value", true);
    ArrayNode fields = (ArrayNode) row.get("fields");
    fields.add(field("id", "int32", false, null));
    ObjectNode price = struct("io.debezium.data.VariableScaleDecimal", true);
    price.put("field", "price");
    ((ArrayNode) price.get("fields")).add(field("scale", "int32", false, null));
    ((ArrayNode) price.get("fields")).add(field("value", "bytes", false, null));
    fields.add(price);
    fields.add(field("created", "int64", true, "io.debezium.time.MicroTimestamp"));
    fields.add(field("note", "string", true, null));
    ObjectNode after = JSON.createObjectNode().put("id", id);
    after.set("price", JSON.createObjectNode().put("scale", scale).put("value", unscaled));
    after.put("created", micros).put("note", note);
    return new String[] {key(id), envelope(table, op, row, after)};
  }

  private static String[] truncate(String table) {
    ObjectNode row = struct("dbz.Value", true);
    ((ArrayNode) row.get("fields")).add(field("id", "int32", false, null));
    return new String[] {null, envelope(table, "t", row, null)};
  }

  private static String envelope(String table, String op, ObjectNode rowSchema, ObjectNode after) {
    ObjectNode schema = struct("dbz.Envelope", false);
    ArrayNode fields = (ArrayNode) schema.get("fields");
    fields.add(rowSchema.deepCopy().put("field", "before"));
    fields.add(rowSchema.deepCopy().put("field", "after"));
    ObjectNode source = struct("io.debezium.connector.postgresql.Source", false);
    source.put("field", "source");
    ((ArrayNode) source.get("fields")).add(field("version", "string", false, null));
    ((ArrayNode) source.get("fields")).add(field("connector", "string", false, null));
    ((ArrayNode) source.get("fields")).add(field("schema", "string", false, null));
    ((ArrayNode) source.get("fields")).add(field("table", "string", false, null));
    ((ArrayNode) source.get("fields")).add(field("lsn", "int64", true, null));
    fields.add(source);
    fields.add(field("op", "string", false, null));
    fields.add(field("ts_ms", "int64", true, null));
    ObjectNode payload = JSON.createObjectNode();
    payload.putNull("before");
    payload.set("after", after);
    payload.set(
        "source",
        JSON.createObjectNode()
            .put("version", "2.7.0.Final")
            .put("connector", "postgresql")
            .put("schema", "public")
            .put("table", table)
            .put("lsn", 1234L));
    payload.put("op", op).put("ts_ms", 1_700_000_000_000L);
    ObjectNode root = JSON.createObjectNode();
    root.set("schema", schema);
    root.set("payload", payload);
    return root.toString();
  }

  private static String key(int id) {
    ObjectNode schema = struct("dbz.Key", false);
    ((ArrayNode) schema.get("fields")).add(field("id", "int32", false, null));
    ObjectNode root = JSON.createObjectNode();
    root.set("schema", schema);
    root.set("payload", JSON.createObjectNode().put("id", id));
    return root.toString();
  }

  private static ObjectNode struct(String name, boolean optional) {
    ObjectNode s = JSON.createObjectNode().put("type", "struct").put("optional", optional);
    s.put("name", name);
    s.set("fields", JSON.createArrayNode());
    return s;
  }

  private static ObjectNode field(String name, String type, boolean optional, String logical) {
    ObjectNode f = JSON.createObjectNode().put("type", type).put("optional", optional);
    if (logical != null) {
      f.put("name", logical);
    }
    return f.put("field", name);
  }
}
