package io.pgcdc.it.statement;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the statement sink ITs share: the connector of config/pgcdc-statement.json on the test
 * server and a unique topic (its templates and ledger replaced per test), a producer of JSON
 * records, SQL checks polled until they hold, and clean-up of the connector and what a test made.
 */
final class StatementFixture implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String CONNECTOR_CLASS =
      "io.pgcdc.connector.statement.PostgresStatementSinkConnector";

  private static final String JSON_CONVERTER = "io.pgcdc.connector.json.JsonConverter";

  final ConnectCluster cluster;
  final PostgresServer pg;
  final String name;
  final String topic;
  final String dlq;
  final String ledger;

  private final List<String> cleanUp = new ArrayList<>();

  StatementFixture(ConnectCluster cluster, PostgresServer pg, String prefix) {
    this.cluster = cluster;
    this.pg = pg;
    this.name = pg.uniqueName(prefix);
    this.topic = name + "_topic";
    this.dlq = name + "_dlq";
    this.ledger = name + "_ledger";
    cleanUp.add("DROP TABLE IF EXISTS public." + ledger);
  }

  /** The shipped config on this test's server, topic and ledger, without its templates. */
  ConnectorDefinition connector() {
    return ConnectorDefinition.fromConfigDir("pgcdc-statement.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("topics", topic)
        .with("offsets.table", "public." + ledger)
        .without("statement")
        .without("statement.delete");
  }

  /** {@link #connector()} reading JSON without schemas. */
  ConnectorDefinition schemaless() {
    return connector()
        .with("key.converter", JSON_CONVERTER)
        .with("value.converter", JSON_CONVERTER)
        .with("key.converter.schemas.enable", "false")
        .with("value.converter.schemas.enable", "false");
  }

  /** Bad records to this test's dead letter queue, with the context headers. */
  static Map<String, String> deadLetterQueue(String dlq) {
    Map<String, String> config = new HashMap<>();
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", dlq);
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return config;
  }

  void start(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    cluster.rest().awaitRunning(name, TIMEOUT);
  }

  ConnectorStatus startFailing(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    return cluster.rest().awaitFailed(name, TIMEOUT);
  }

  /** The validation errors of the connector's config, by setting. */
  Map<String, String> validationErrors(ConnectorDefinition connector) {
    Map<String, String> config = new HashMap<>(connector.config());
    config.put("name", name);
    return ConnectRestClient.validationErrors(cluster.rest().validate(CONNECTOR_CLASS, config));
  }

  /** Runs SQL now, and {@code dropSql} when the test ends. */
  void create(String sql, String dropSql) {
    cleanUp.add(0, dropSql);
    pg.execute(sql);
  }

  /** Sends (key, value, header name, header value, ...) records to partition 0, in order. */
  void produce(List<String[]> records) {
    produce(records, 1);
  }

  /** Creates the topic with {@code partitions} partitions. */
  void createTopic(int partitions) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(props)) {
      admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  /** Sends the records round robin over partitions 0 to {@code partitions - 1}, in order. */
  void produce(List<String[]> records, int partitions) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      int n = 0;
      for (String[] kv : records) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(topic, n++ % partitions, kv[0], kv[1]);
        for (int i = 2; i + 1 < kv.length; i += 2) {
          record.headers().add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record);
      }
      producer.flush();
    }
  }

  List<ConsumerRecord<String, String>> deadLetters(int count) {
    return cluster.read(dlq, count, TIMEOUT);
  }

  static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Rows of a query, each as its columns' text joined by '|'. */
  List<String> rows(String sql) {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(sb.toString());
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Polls the query until it returns exactly these rows. */
  void awaitRows(String sql, List<String> expected) {
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
  }

  @Override
  public void close() {
    try {
      cluster.rest().delete(name);
    } finally {
      for (String sql : cleanUp) {
        pg.execute(sql);
      }
    }
  }
}
