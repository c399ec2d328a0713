package io.pgcdc.it.sink;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.SinkConnectorFixture;
import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the sink ITs share: a sink connector from config/pgcdc-sink.json pointed at the test server
 * and a unique topic, a producer of JSON records, SQL checks polled until they hold, and clean-up
 * of the connector and the tables a test made.
 */
final class SinkFixture extends SinkConnectorFixture {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  SinkFixture(ConnectCluster cluster, PostgresServer pg, String prefix) {
    super(cluster, pg, prefix, TIMEOUT);
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

  /** Creates {@code public.table} with these columns ({@code "(id bigint PRIMARY KEY, ...)"}). */
  String createTable(String table, String columns) {
    table(table);
    pg.execute("CREATE TABLE public." + table + " " + columns);
    return table;
  }

  /** Drops this table when the test ends. */
  String table(String table) {
    cleanUp.add("DROP TABLE IF EXISTS public." + quote(table) + " CASCADE");
    return table;
  }

  void cleanUpAlso(String sql) {
    cleanUp.add(sql);
  }

  /** Sends records to partition 0 of another topic, in order, and waits for the acks. */
  void produce(String toTopic, List<String[]> keyValues) {
    cluster.produce(toTopic, 1, keyValues);
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

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
