package io.pgcdc.it.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the source ITs share: a connector per test, reading its topics, cleaning up. */
final class SourceFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  private SourceFixture() {}

  /**
   * The shipped source config pointed at {@code pg}, named {@code name}, capturing {@code tables}.
   */
  static ConnectorDefinition source(PostgresServer pg, String name, String tables) {
    return ConnectorDefinition.fromConfigDir("pgcdc-source.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("table.include.list", tables)
        .with("topic.prefix", name);
  }

  /**
   * Deletes the connector, then drops its slot (once the walsender has let go of it) and its
   * publication, which are named after the connector by default.
   */
  static void cleanup(ConnectCluster cluster, PostgresServer pg, String name) {
    cluster.rest().delete(name);
    String slot = "pgcdc_" + name;
    Deadline deadline = Deadline.in(Duration.ofSeconds(60));
    deadline.await(
        "slot " + slot + " to be released and dropped",
        () -> dropSlot(pg, slot),
        () -> "still active");
    pg.execute("DROP PUBLICATION IF EXISTS " + slot);
  }

  private static boolean dropSlot(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      ps.setString(1, slot);
      ps.executeQuery().close();
      try (PreparedStatement check =
          c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
        check.setString(1, slot);
        try (ResultSet rs = check.executeQuery()) {
          return !rs.next();
        }
      }
    } catch (SQLException e) {
      return false; // active, or being released: try again
    }
  }

  /** One record as the JSON converter wrote it: key and value with their schemas, or nulls. */
  record Change(JsonNode key, JsonNode value, long offset) {
    String op() {
      return value == null ? null : value.path("payload").path("op").asText(null);
    }

    JsonNode after() {
      return value.path("payload").path("after");
    }

    JsonNode before() {
      return value.path("payload").path("before");
    }

    JsonNode source() {
      return value.path("payload").path("source");
    }

    JsonNode keyPayload() {
      return key == null ? null : key.path("payload");
    }

    boolean tombstone() {
      return value == null;
    }
  }

  /**
   * Reads {@code topic} from the beginning until {@code done} holds for what arrived; fails with a
   * summary when {@code timeout} passes first.
   */
  static List<Change> readUntil(
      ConnectCluster cluster, String topic, Predicate<List<Change>> done, Duration timeout) {
    return readUntil(cluster, topic, done, timeout, false);
  }

  /**
   * As {@link #readUntil(ConnectCluster, String, Predicate, Duration)}; with {@code committedOnly},
   * records of aborted or open producer transactions are left out ({@code
   * isolation.level=read_committed}).
   */
  static List<Change> readUntil(
      ConnectCluster cluster,
      String topic,
      Predicate<List<Change>> done,
      Duration timeout,
      boolean committedOnly) {
    return read(
        cluster,
        topic,
        r -> new Change(parse(r.key()), parse(r.value()), r.offset()),
        done,
        timeout,
        committedOnly);
  }

  /** Reads {@code topic} from the beginning, as the text Kafka holds, until {@code count}. */
  static List<ConsumerRecord<String, String>> readText(
      ConnectCluster cluster, String topic, int count, Duration timeout) {
    return read(cluster, topic, r -> r, l -> l.size() >= count, timeout, false);
  }

  private static <T> List<T> read(
      ConnectCluster cluster,
      String topic,
      Function<ConsumerRecord<String, String>, T> map,
      Predicate<List<T>> done,
      Duration timeout,
      boolean committedOnly) {
    Deadline deadline = Deadline.in(timeout);
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-source-it-" + UUID.randomUUID());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    // a fetch of up to 16 MiB per partition: fewer round trips to a broker slowed by a loaded run
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
    if (committedOnly) {
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    List<T> changes = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = TopicReader.awaitPartitions(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!done.test(changes)) {
        if (deadline.expired()) {
          throw new AssertionError(
              "topic "
                  + topic
                  + ": condition not met after "
                  + timeout
                  + " with "
                  + changes.size()
                  + " records; last: "
                  + changes.subList(Math.max(0, changes.size() - 3), changes.size()));
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          changes.add(map.apply(r));
        }
      }
    }
    return changes;
  }

  static JsonNode parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode tree = JSON.readTree(text);
      if (tree instanceof ObjectNode o && o.get("schema") instanceof ObjectNode schema) {
        o.set("schema", shared(schema));
      }
      return tree;
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  /**
   * One tree per distinct schema: records repeat their schema, which is most of a record's tree,
   * and a test that keeps 400,000 records spent minutes in full GCs without this.
   */
  private static JsonNode shared(ObjectNode schema) {
    synchronized (SCHEMAS) {
      JsonNode known = SCHEMAS.putIfAbsent(schema, schema);
      return known == null ? schema : known;
    }
  }

  private static final Map<JsonNode, JsonNode> SCHEMAS =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JsonNode, JsonNode> eldest) {
          return size() > 256;
        }
      };
}
