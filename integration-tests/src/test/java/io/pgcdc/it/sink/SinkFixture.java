package io.pgcdc.it.sink;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the sink ITs share: a sink connector from config/pgcdc-sink.json pointed at the test server
 * and a unique topic, a producer of JSON records, SQL checks polled until they hold, and clean-up
 * of the connector and the tables a test made.
 */
final class SinkFixture implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final ConnectCluster cluster;
  final PostgresServer pg;
  final String name;
  final String topic;

  /** The dead letter queue topic of this test's connector, when it has one. */
  final String dlq;

  private final List<String> dropStatements = new ArrayList<>();

  SinkFixture(ConnectCluster cluster, PostgresServer pg, String prefix) {
    this.cluster = cluster;
    this.pg = pg;
    this.name = pg.uniqueName(prefix);
    this.topic = name + "_topic";
    this.dlq = name + "_dlq";
  }

  /** The shipped sink config, on this test's server and topic. */
  ConnectorDefinition connector() {
    return ConnectorDefinition.fromConfigDir("pgcdc-sink.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("topics", topic)
        .with("consumer.override.max.poll.records", "500");
  }

  /** The shipped sink config writing each record to the table its envelope's source names. */
  ConnectorDefinition sourceTableConnector() {
    return connector().with("table.name.format", "${source.schema}.${source.table}");
  }

  /**
   * The settings that tolerate errors: bad records go to this test's dead letter queue {@link
   * #dlq}, with the reason in the headers.
   */
  Map<String, String> deadLetterQueue() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", dlq);
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return config;
  }

  /**
   * The errors the worker's validation finds in the shipped config (on this test's server) with
   * these settings changed, by setting name.
   */
  Map<String, String> validationErrors(Map<String, String> changes) {
    Map<String, String> config = new HashMap<>(connector().config());
    config.put("name", name);
    config.putAll(changes);
    return ConnectRestClient.validationErrors(
        cluster.rest().validate("io.pgcdc.connector.sink.PostgresSinkConnector", config));
  }

  /**
   * {@link #sourceTableConnector} into existing tables only, bad records to the dead letter queue.
   */
  ConnectorDefinition tolerantConnector() {
    return sourceTableConnector().with("auto.create", "false").with(deadLetterQueue());
  }

  /** The first {@code count} records of the dead letter queue, waiting for them. */
  List<ConsumerRecord<String, String>> deadLetters(int count) {
    return cluster.read(dlq, count, TIMEOUT);
  }

  void start(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    cluster.rest().awaitRunning(name, TIMEOUT);
  }

  /** Creates the connector and waits until it has failed; its status says why. */
  ConnectorStatus startFailing(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    return cluster.rest().awaitFailed(name, TIMEOUT);
  }

  /** Creates {@code public.table} with these columns ({@code "(id bigint PRIMARY KEY, ...)"}). */
  String createTable(String table, String columns) {
    table(table);
    pg.execute("CREATE TABLE public." + table + " " + columns);
    return table;
  }

  /** Drops this table when the test ends. */
  String table(String table) {
    dropStatements.add("DROP TABLE IF EXISTS public." + quote(table) + " CASCADE");
    return table;
  }

  void cleanUpAlso(String sql) {
    dropStatements.add(sql);
  }

  void produce(List<String[]> keyValues) {
    produce(topic, keyValues);
  }

  /**
   * Sends records (key JSON, value JSON; null for none; optionally header names and values after
   * them) in order, and waits for the acks.
   */
  void produce(String toTopic, List<String[]> keyValues) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (String[] kv : keyValues) {
        ProducerRecord<String, String> record = new ProducerRecord<>(toTopic, 0, kv[0], kv[1]);
        for (int i = 2; i + 1 < kv.length; i += 2) {
          record.headers().add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record);
      }
      producer.flush();
    }
  }

  /**
   * Waits until the connector's consumer group has committed the offset {@code offset} on partition
   * 0 of the topic: every record before it was written.
   */
  void awaitCommittedOffset(String connectorName, long offset) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      AtomicReference<Long> last = new AtomicReference<>();
      Deadline.in(TIMEOUT)
          .await(
              "committed offset " + offset + " of connector " + connectorName,
              () -> {
                last.set(committedOffset(admin, "connect-" + connectorName));
                return last.get() != null && last.get() == offset;
              },
              () -> "committed: " + last.get());
    }
  }

  private Long committedOffset(Admin admin, String group) {
    try {
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(new TopicPartition(topic, 0));
      return committed == null ? null : committed.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the offsets of " + group, e);
    }
  }

  /** Rows of a query, each as its columns' text joined by '|'. */
  List<String> rows(String sql) {
    try (Connection c = pg.connect();
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            sb.append(i > 1 ? "|" : "").append(rs.getString(i));
          }
          rows.add(sb.toString());
        }
      }
      return rows;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of(); // the table is not there yet
      }
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Polls the query until it returns exactly these rows. */
  List<String> awaitRows(String sql, List<String> expected) {
    AtomicReference<List<String>> last = new AtomicReference<>();
    Deadline.in(TIMEOUT)
        .await(
            "rows of " + sql,
            () -> {
              last.set(rows(sql));
              return last.get().equals(expected);
            },
            () ->
                "expected "
                    + expected
                    + ", got "
                    + last.get()
                    + "; "
                    + cluster.rest().status(name).describe());
    return last.get();
  }

  /** A header of a dead letter queue record, as text; null when it is missing. */
  static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      cluster.rest().delete(name);
    } finally {
      for (String sql : dropStatements) {
        pg.execute(sql);
      }
    }
  }
}
