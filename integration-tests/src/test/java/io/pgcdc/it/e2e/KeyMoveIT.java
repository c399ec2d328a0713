package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An update of the primary key that leaves a large (TOASTed, stored out of line) column alone: the
 * source sends a delete of the old key and a create of the new one without that column (listed in
 * {@code source.unchanged_toast_columns}, the old row in {@code before}), and the sink moves the
 * row, so the copy keeps the value. With {@code REPLICA IDENTITY FULL} the old row carries the
 * value, and the create has it.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class KeyMoveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A text of about 6 kB that does not compress (md5 digests chained from {@code seed}): stored out
   * of line, so that an update which does not touch it does not send it.
   */
  static String bigValue(String seed) {
    return "(SELECT string_agg(md5(("
        + seed
        + ")::text || '-' || g), '') FROM generate_series(1, 200) g)";
  }

  @ParameterizedTest(name = "REPLICA IDENTITY {0}")
  @ValueSource(strings = {"DEFAULT", "FULL"})
  void keyChangeKeepsTheUnchangedToastValue(
      String identity, ConnectCluster cluster, PostgresServer pg) {
    try (Pipeline p = new Pipeline(cluster, pg, "keymove")) {
      String table = p.table(p.name);
      String t = "public." + table;
      pg.execute(
          "CREATE TABLE " + t + " (id bigint PRIMARY KEY, v int NOT NULL, big text)",
          "ALTER TABLE " + t + " ALTER COLUMN big SET STORAGE EXTERNAL",
          "ALTER TABLE " + t + " REPLICA IDENTITY " + identity,
          "INSERT INTO " + t + " SELECT i, 0, " + bigValue("i") + " FROM generate_series(1, 6) i");
      p.createTopics(table);
      p.start(p.source(table), TIMEOUT);
      p.start(p.sink(table), TIMEOUT);
      p.awaitCopyEqual(table, TIMEOUT);

      // One statement, with no other change around it.
      pg.execute("UPDATE " + t + " SET id = 101 WHERE id = 1");
      p.awaitCopyEqual(table, TIMEOUT);
      // Several rows in one statement; a chain of moves and an update in one transaction.
      pg.execute("UPDATE " + t + " SET id = id + 1000 WHERE id IN (2, 3)");
      pg.execute(
          "BEGIN; UPDATE " + t + " SET id = 104 WHERE id = 4;",
          "UPDATE " + t + " SET v = 1 WHERE id = 104;",
          "UPDATE " + t + " SET id = 204 WHERE id = 104; COMMIT");
      // A move, then the old key used again by a new row.
      pg.execute(
          "UPDATE " + t + " SET id = 105 WHERE id = 5",
          "INSERT INTO " + t + " VALUES (5, 7, " + bigValue("55") + ")");
      p.awaitCopyEqual(table, TIMEOUT);

      JsonNode create = firstCreateOf(p, table, 101);
      if (identity.equals("DEFAULT")) {
        assertThat(create.path("after").has("big")).as("after of %s", create).isFalse();
        assertThat(create.path("source").path("unchanged_toast_columns").toString())
            .isEqualTo("[\"big\"]");
      } else {
        assertThat(create.path("after").path("big").asText()).hasSizeGreaterThan(2000);
      }
      assertThat(create.path("before").path("id").asLong()).isEqualTo(1);
      // Debezium's headers: the delete (and its tombstone) name the new key, the create the old.
      assertThat(keyHeaders(p, table, 101))
          .containsExactly(
              "d __debezium.newkey {\"id\":101}",
              "tombstone __debezium.newkey {\"id\":101}",
              "c __debezium.oldkey {\"id\":1}");
    }
  }

  /**
   * The key-change headers of the records of the key change to {@code id} and of its delete and
   * tombstone: "op name value", in topic order (the worker's header converter writes a struct as
   * JSON).
   */
  private static List<String> keyHeaders(Pipeline p, String table, long id) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, p.cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-keymove-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Pipeline.MAX_BYTES);
    List<String> headers = new ArrayList<>();
    Deadline deadline = Deadline.in(TIMEOUT);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(p.topic(table), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (headers.size() < 3 && !deadline.expired()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode record = r.value() == null ? null : parse(r.value());
          for (Header h : r.headers()) {
            String value = new String(h.value(), StandardCharsets.UTF_8);
            boolean toId = value.equals("{\"id\":" + id + "}");
            if (toId || record != null && isCreateOf(record, id)) {
              String op = record == null ? "tombstone" : record.path("payload").path("op").asText();
              headers.add(op + " " + h.key() + " " + value);
            }
          }
        }
      }
    }
    return headers;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record is not JSON: " + json, e);
    }
  }

  /** The payload of the create (op c) of key {@code id} in the table's topic. */
  private static JsonNode firstCreateOf(Pipeline p, String table, long id) {
    List<JsonNode> values =
        p.readValues(table, v -> v.stream().anyMatch(r -> isCreateOf(r, id)), TIMEOUT);
    return values.stream().filter(r -> isCreateOf(r, id)).findFirst().orElseThrow().get("payload");
  }

  private static boolean isCreateOf(JsonNode record, long id) {
    JsonNode payload = record.path("payload");
    return payload.path("op").asText().equals("c")
        && payload.path("after").path("id").asLong() == id;
  }
}
