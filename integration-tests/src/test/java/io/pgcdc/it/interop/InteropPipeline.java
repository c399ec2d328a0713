package io.pgcdc.it.interop;

import io.pgcdc.it.e2e.EveryTypeTable;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What an interoperability test runs on the shared worker: pgcdc sources (from the shipped
 * config/pgcdc-source.json) and other vendors' connectors, all under names unique to the test.
 * {@link #close} deletes the connectors, drops each source's slot and publication, then runs the
 * clean-up SQL the test registered (tables, types).
 */
final class InteropPipeline implements AutoCloseable {
  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);

  final ConnectCluster cluster;
  final PostgresServer pg;
  final String name;
  private final List<String> connectors = new ArrayList<>();
  private final List<String> sources = new ArrayList<>();
  private final List<String> drops = new ArrayList<>();
  private Set<String> noEdges = Set.of();

  InteropPipeline(ConnectCluster cluster, PostgresServer pg, String prefix) {
    this.cluster = cluster;
    this.pg = pg;
    this.name = pg.uniqueName(prefix);
  }

  /**
   * Creates {@code public.<name>} with a column of every type ({@link EveryTypeTable}, less the
   * large TOAST columns, which are another test's subject) and rows 1 (ordinary values), 2 (edge
   * values) and 3 (all NULL); drops it, its enum and its domain on close.
   *
   * @param noEdges columns whose edge values rows 2 and 5 leave NULL
   * @return the table's name
   */
  String createEveryTypeTable(Set<String> noEdges) {
    this.noEdges = Set.copyOf(noEdges);
    String table = name;
    String mood = name + "_mood";
    String posint = name + "_posint";
    cleanUpAlso("DROP TYPE IF EXISTS " + mood);
    cleanUpAlso("DROP DOMAIN IF EXISTS " + posint);
    cleanUpAlso("DROP TABLE IF EXISTS public." + table);
    Map<String, String> columns = new LinkedHashMap<>(EveryTypeTable.columns(pg, mood, posint));
    columns.remove("c_big_text");
    columns.remove("c_big_bytea");
    pg.execute(
        "CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy', 'with space')",
        "CREATE DOMAIN " + posint + " AS integer CHECK (VALUE > 0)",
        EveryTypeTable.createTable(table, columns),
        EveryTypeTable.insert(table, 1, EveryTypeTable.ordinary(pg, mood)),
        EveryTypeTable.insert(table, 2, edges(mood)),
        EveryTypeTable.insert(table, 3, Map.of()));
    return table;
  }

  /**
   * Changes of the table of {@link #createEveryTypeTable}: inserts row 4 (ordinary values) and 5
   * (edge values), updates row 1, deletes row 3; 4 change records, and a tombstone.
   */
  void changeEveryTypeTable(String table) {
    String mood = name + "_mood";
    pg.execute(
        EveryTypeTable.insert(table, 4, EveryTypeTable.ordinary(pg, mood)),
        EveryTypeTable.insert(table, 5, edges(mood)),
        "UPDATE public." + table + " SET c_text = 'changed' WHERE id = 1",
        "DELETE FROM public." + table + " WHERE id = 3");
  }

  private Map<String, String> edges(String mood) {
    Map<String, String> edges = new LinkedHashMap<>(EveryTypeTable.edges(pg, mood));
    edges.keySet().removeAll(noEdges);
    return edges;
  }

  /** Runs {@code sql} when the pipeline closes, after the connectors are gone; last first. */
  void cleanUpAlso(String sql) {
    drops.add(0, sql);
  }

  /**
   * A pgcdc source named {@code <name>_<suffix>} capturing {@code public.table}; its topics are
   * prefixed with its own name, so two sources of one table do not share a topic.
   */
  ConnectorDefinition source(String suffix, String table) {
    String connector = name + "_" + suffix;
    return ConnectorDefinition.fromConfigDir("pgcdc-source.json")
        .withName(connector)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("table.include.list", "public." + table)
        .with("topic.prefix", connector)
        .with("topic.creation.default.replication.factor", "-1")
        .with("topic.creation.default.partitions", "1");
  }

  /** The topic of {@code table} written by the source {@code source} (a {@link #source} name). */
  static String topic(ConnectorDefinition source, String table) {
    return source.config().get("topic.prefix") + ".public." + table;
  }

  /** Creates the connector, remembers it for {@link #close}, and waits until it runs. */
  void start(ConnectorDefinition connector, Duration timeout) {
    cluster.rest().create(connector);
    started(connector);
    cluster.rest().awaitRunning(connector.name(), timeout);
  }

  /** Remembers a connector the test created itself, for {@link #close}. */
  void started(ConnectorDefinition connector) {
    connectors.add(0, connector.name());
    if (connector.config().get("connector.class").startsWith("io.pgcdc.")) {
      sources.add("pgcdc_" + connector.name());
    }
  }

  /**
   * Reads {@code topic} from its beginning, as the bytes Kafka holds, until {@code done} holds for
   * what arrived; fails with the connectors' states when {@code timeout} passes first.
   */
  List<ConsumerRecord<byte[], byte[]>> read(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-interop-" + UUID.randomUUID());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = TopicReader.awaitPartitions(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!done.test(records)) {
        if (deadline.expired()) {
          throw new AssertionError(
              "topic "
                  + topic
                  + ": condition not met after "
                  + timeout
                  + " with "
                  + records.size()
                  + " records; "
                  + states());
        }
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Waits until {@code topic} holds {@code count} records: a source's snapshot, before the test
   * changes the table (the snapshot reads the table as of when the source created its slot, which
   * is after the connector reports RUNNING).
   */
  void awaitRecords(String topic, int count, Duration timeout) {
    read(topic, records -> records.size() >= count, timeout);
  }

  /** The state of every connector of this pipeline, for failure messages. */
  String states() {
    StringBuilder text = new StringBuilder();
    for (String connector : connectors) {
      text.append(connector).append(": ").append(cluster.rest().status(connector).describe());
      text.append("; ");
    }
    return text.toString();
  }

  @Override
  public void close() {
    for (String connector : connectors) {
      cluster.rest().delete(connector);
    }
    for (String slot : sources) {
      Deadline.in(CLEANUP_TIMEOUT)
          .await("slot " + slot + " to be released and dropped", () -> dropSlot(slot), () -> "");
      pg.execute("DROP PUBLICATION IF EXISTS " + slot);
    }
    for (String sql : drops) {
      pg.execute(sql);
    }
  }

  private boolean dropSlot(String slot) {
    try (Connection c = pg.connect();
        PreparedStatement drop =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active");
        PreparedStatement check =
            c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      drop.setString(1, slot);
      drop.executeQuery().close();
      check.setString(1, slot);
      try (ResultSet rs = check.executeQuery()) {
        return !rs.next();
      }
    } catch (SQLException e) {
      return false; // active, or being released: try again
    }
  }
}
