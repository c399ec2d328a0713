package io.pgcdc.it.kafka;

import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the ITs of a sink connector share: a unique connector name and topic on the test server, a
 * producer of JSON records, SQL checks polled until they hold, the dead letter queue, and clean-up
 * of the connector and of what a test made. The upsert sink's and the statement sink's fixtures add
 * their connector's shipped config.
 */
public abstract class SinkConnectorFixture implements AutoCloseable {
  public final ConnectCluster cluster;
  public final PostgresServer pg;
  public final String name;
  public final String topic;

  /** The dead letter queue topic of this test's connector, when it has one. */
  public final String dlq;

  private final Duration timeout;

  /** SQL run when the test ends, in this order, after the connector is deleted. */
  protected final List<String> cleanUp = new ArrayList<>();

  protected SinkConnectorFixture(
      ConnectCluster cluster, PostgresServer pg, String prefix, Duration timeout) {
    this.cluster = cluster;
    this.pg = pg;
    this.name = pg.uniqueName(prefix);
    this.topic = name + "_topic";
    this.dlq = name + "_dlq";
    this.timeout = timeout;
  }

  /** The settings that send bad records to {@code dlq}, with the reason in the headers. */
  public static Map<String, String> deadLetterQueue(String dlq) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", dlq);
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return config;
  }

  /** {@link #deadLetterQueue(String)} of this test's {@link #dlq}. */
  public Map<String, String> deadLetterQueue() {
    return deadLetterQueue(dlq);
  }

  /** The first {@code count} records of the dead letter queue, waiting for them. */
  public List<ConsumerRecord<String, String>> deadLetters(int count) {
    return cluster.read(dlq, count, timeout);
  }

  /** A header of a dead letter queue record, as text; null when it is missing. */
  public static String header(ConsumerRecord<String, String> record, String name) {
    return ConnectCluster.header(record, name);
  }

  public void start(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    cluster.rest().awaitRunning(name, timeout);
  }

  /** Creates the connector and waits until it has failed; its status says why. */
  public ConnectorStatus startFailing(ConnectorDefinition connector) {
    cluster.rest().create(connector);
    return cluster.rest().awaitFailed(name, timeout);
  }

  /** Sends records to partition 0 of the topic, in order; see {@link ConnectCluster#produce}. */
  public void produce(List<String[]> records) {
    cluster.produce(topic, 1, records);
  }

  /** Rows of a query, each as its columns' text joined by '|'; see {@link PostgresServer#rows}. */
  public List<String> rows(String sql) {
    return pg.rows(sql);
  }

  /** Polls the query until it returns exactly these rows. */
  public List<String> awaitRows(String sql, List<String> expected) {
    AtomicReference<List<String>> last = new AtomicReference<>();
    Deadline.in(timeout)
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
