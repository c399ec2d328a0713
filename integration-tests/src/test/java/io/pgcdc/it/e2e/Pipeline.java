package io.pgcdc.it.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A source and a sink from the shipped config/ files, through a real Connect worker: the source
 * captures tables of {@code public}, the sink writes each into {@code public.<table>_copy} (the
 * shipped template), creating and evolving it. Names are unique per pipeline; {@link #close}
 * deletes both connectors, the slot and publication, and the tables the test registered.
 */
final class Pipeline implements AutoCloseable {
  /** Records of large values (over 1 MB of TOASTed text and bytea) need more than Kafka's 1 MB. */
  static final String MAX_BYTES = Integer.toString(32 * 1024 * 1024);

  final ConnectCluster cluster;
  final PostgresServer pg;
  final String name;
  private final List<String> drops = new ArrayList<>();

  Pipeline(ConnectCluster cluster, PostgresServer pg, String prefix) {
    this.cluster = cluster;
    this.pg = pg;
    this.name = pg.uniqueName(prefix);
  }

  String sourceName() {
    return name + "_src";
  }

  String sinkName() {
    return name + "_snk";
  }

  /** The source's slot (and publication): the default, pgcdc_ and the connector's name. */
  String slot() {
    return "pgcdc_" + sourceName();
  }

  String topic(String table) {
    return name + ".public." + table;
  }

  /** Drops {@code public.table} and its copy when the pipeline closes. */
  String table(String table) {
    drops.add("DROP TABLE IF EXISTS public." + table + ", public." + table + "_copy CASCADE");
    return table;
  }

  /** Runs {@code sql} when the pipeline closes, after the tables are dropped. */
  void cleanUpAlso(String sql) {
    drops.add(sql);
  }

  /**
   * Creates the topics of {@code tables} with room for records of up to {@link #MAX_BYTES}. Done
   * before the connectors start: a topic that the sink's consumer or the broker creates on first
   * use gets the broker's 1 MB limit, and the source then fails on a large record.
   */
  void createTopics(String... tables) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      List<NewTopic> topics = new ArrayList<>();
      for (String t : tables) {
        topics.add(
            new NewTopic(topic(t), Optional.of(1), Optional.empty())
                .configs(Map.of("max.message.bytes", MAX_BYTES)));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the topics of " + List.of(tables), e);
    }
  }

  ConnectorDefinition source(String... tables) {
    List<String> qualified = new ArrayList<>();
    for (String t : tables) {
      qualified.add("public." + t);
    }
    return ConnectorDefinition.fromConfigDir("pgcdc-source.json")
        .withName(sourceName())
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with(
            Map.of(
                "table.include.list",
                String.join(",", qualified),
                "topic.prefix",
                name,
                "topic.creation.default.replication.factor",
                "-1",
                "topic.creation.default.partitions",
                "1",
                "topic.creation.default.max.message.bytes",
                MAX_BYTES,
                "producer.override.max.request.size",
                MAX_BYTES));
  }

  ConnectorDefinition sink(String... tables) {
    List<String> topics = new ArrayList<>();
    for (String t : tables) {
      topics.add(topic(t));
    }
    return ConnectorDefinition.fromConfigDir("pgcdc-sink.json")
        .withName(sinkName())
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with(
            Map.of(
                "topics",
                String.join(",", topics),
                "auto.evolve",
                "true",
                "consumer.override.max.partition.fetch.bytes",
                MAX_BYTES,
                "consumer.override.fetch.max.bytes",
                MAX_BYTES));
  }

  void start(ConnectorDefinition connector, Duration timeout) {
    cluster.rest().create(connector);
    cluster.rest().awaitRunning(connector.name(), timeout);
  }

  /**
   * Polls until {@code public.table_copy} holds exactly the rows of {@code public.table} (see
   * {@link TableComparison}), then checks that the column types are the same.
   */
  void awaitCopyEqual(String table, Duration timeout) {
    String source = "public." + table;
    String target = "public." + table + "_copy";
    AtomicReference<Object> last = new AtomicReference<>();
    Deadline.in(timeout)
        .await(
            target + " to hold exactly the rows of " + source,
            () -> {
              try {
                List<String> diff = TableComparison.differences(pg, source, target, 5);
                last.set(diff);
                return diff.isEmpty();
              } catch (SQLException e) {
                last.set(e.getMessage()); // e.g. the copy is not created yet
                return false;
              }
            },
            () ->
                last.get()
                    + "; source "
                    + cluster.rest().status(sourceName()).describe()
                    + "; sink "
                    + cluster.rest().status(sinkName()).describe());
  }

  /**
   * Reads the record values of {@code table}'s topic from the beginning until {@code done} holds
   * for the values read so far (tombstones left out); fails when {@code timeout} passes first.
   */
  List<JsonNode> readValues(String table, Predicate<List<JsonNode>> done, Duration timeout) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-e2e-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_BYTES);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_BYTES);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> values = new ArrayList<>();
    Deadline deadline = Deadline.in(timeout);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic(table), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (!done.test(values)) {
        if (deadline.expired()) {
          throw new AssertionError(
              "topic " + topic(table) + ": condition not met with " + values.size() + " records");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            values.add(json.readTree(r.value()));
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record of " + topic(table) + " is not JSON", e);
    }
    return values;
  }

  /** True while a slot of this name exists. */
  boolean slotExists() {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read pg_replication_slots: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the connectors; drops the slot and publication (when the connector did not) once the
   * walsender has let go of the slot; drops the tables.
   */
  @Override
  public void close() {
    cluster.rest().delete(sinkName());
    cluster.rest().delete(sourceName());
    Deadline.in(Duration.ofSeconds(60))
        .await("slot " + slot() + " to be released and dropped", this::dropSlot, () -> "active");
    pg.execute("DROP PUBLICATION IF EXISTS " + slot());
    for (String sql : drops) {
      pg.execute(sql);
    }
  }

  private boolean dropSlot() {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      ps.setString(1, slot());
      ps.executeQuery().close();
      return !slotExists();
    } catch (SQLException e) {
      return false; // active, or being released: try again
    }
  }
}
