package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Connect worker is SIGKILLed ten times at moments chosen from observed progress (during the
 * snapshot, in the middle of a large transaction, while the sink writes a batch), the PostgreSQL
 * server is restarted once and every connection of the source and the sink is cut once, all while a
 * writer keeps changing the source table. Nobody restarts a connector or a task by hand: the
 * pipeline recovers by itself, the copy ends up equal to the table, and every committed change is
 * in Kafka at least once. (The rows that exist before the source starts are checked through the
 * copy: a restarted snapshot reads them as they are then.)
 *
 * <p>The class has a broker and worker of its own (it kills the worker) and a PostgreSQL server of
 * its own (it restarts the server), so that the test classes beside it are not disturbed. Source
 * and sink reach the server through a {@link TcpProxy} that can cut their connections.
 */
@ExtendWith(KafkaConnectExtension.class)
// A killed worker stays in the Connect group until its session times out; the restarted one
// waits for that. 6 s (the broker's minimum) instead of 10 s saves 40 s over ten kills.
@OwnConnectCluster(workerProperties = {"session.timeout.ms=6000", "heartbeat.interval.ms=2000"})
class FaultToleranceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int INITIAL_ROWS = 6_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKER_PROPERTIES = "connect-distributed.properties";

  private enum Fault {
    KILL_DURING_SNAPSHOT,
    KILL_DURING_LARGE_TRANSACTION,
    KILL_DURING_SINK_BATCH,
    KILL_AFTER_RANDOM_PROGRESS,
    RESTART_POSTGRES,
    CUT_CONNECTIONS
  }

  private static final List<Fault> SCHEDULE =
      List.of(
          Fault.KILL_DURING_SNAPSHOT,
          Fault.KILL_DURING_SINK_BATCH,
          Fault.KILL_DURING_LARGE_TRANSACTION,
          Fault.KILL_AFTER_RANDOM_PROGRESS,
          Fault.RESTART_POSTGRES,
          Fault.KILL_DURING_SINK_BATCH,
          Fault.KILL_DURING_LARGE_TRANSACTION,
          Fault.CUT_CONNECTIONS,
          Fault.KILL_AFTER_RANDOM_PROGRESS,
          Fault.KILL_DURING_SINK_BATCH,
          Fault.KILL_DURING_LARGE_TRANSACTION,
          Fault.KILL_AFTER_RANDOM_PROGRESS);

  @Test
  void pipelineRecoversByItselfFromWorkerKillsServerRestartAndCutConnections(ConnectCluster cluster)
      throws Exception {
    assertThat(SCHEDULE.stream().filter(f -> f.name().startsWith("KILL")).count())
        .isGreaterThanOrEqualTo(10);
    PostgresServer pg = PostgresServer.startOwn();
    try (TcpProxy proxy = new TcpProxy(pg.host(), pg.port());
        Pipeline p = new Pipeline(cluster, pg, "ft");
        Admin admin = admin(cluster)) {
      String table = p.table(p.name);
      pg.execute(
          "CREATE TABLE public."
              + table
              + " (id bigint PRIMARY KEY, v bigint NOT NULL, payload text)",
          "INSERT INTO public."
              + table
              + " SELECT g, 0, md5(g::text) FROM generate_series(1, "
              + INITIAL_ROWS
              + ") g");
      String proxyPort = Integer.toString(proxy.port());
      ConnectorDefinition source =
          p.source(table).with(Map.of("connection.port", proxyPort, "max.batch.size", "1000"));
      ConnectorDefinition sink = p.sink(table).with("connection.port", proxyPort);
      p.createTopics(table);
      Progress progress = new Progress(pg, admin, p.topic(table), table + "_copy");
      ChangeWriter writer = new ChangeWriter(pg, table, INITIAL_ROWS);
      try (writer) {
        cluster.rest().create(source);
        cluster.rest().create(sink);
        // Write once the slot exists: from then on, every change is in the snapshot or the stream.
        Deadline.in(TIMEOUT).await("slot " + p.slot(), p::slotExists, () -> "none yet");
        writer.start();

        int kills = 0;
        for (Fault fault : SCHEDULE) {
          inject(fault, cluster, pg, proxy, writer, progress);
          if (fault.name().startsWith("KILL")) {
            kills++;
            cluster.worker().restart(TIMEOUT);
          }
        }
        assertThat(kills).isGreaterThanOrEqualTo(10);
        progress.await("the pipeline to make progress after the last fault", 500);
      }
      Set<String> committed = writer.committed();

      cluster.rest().awaitRunning(source.name(), TIMEOUT);
      cluster.rest().awaitRunning(sink.name(), TIMEOUT);
      p.awaitCopyEqual(table, Duration.ofSeconds(180));
      assertEveryChangeInKafka(cluster, p.topic(table), committed);

      cluster.rest().delete(sink.name());
      cluster.rest().delete(source.name());
      if (pluginHasRestExtension()) {
        Deadline.in(TIMEOUT)
            .await(
                "slot " + p.slot() + " to be dropped when the source is deleted",
                () -> !p.slotExists(),
                () -> "it is still there");
      }
      // else: Pipeline.close() drops the slot once the walsender lets go of it.
    } finally {
      pg.stop();
    }
  }

  private static void inject(
      Fault fault,
      ConnectCluster cluster,
      PostgresServer pg,
      TcpProxy proxy,
      ChangeWriter writer,
      Progress progress) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    switch (fault) {
      case KILL_DURING_SNAPSHOT -> {
        progress.awaitTopicAtLeast(random.nextInt(500, INITIAL_ROWS / 2));
        cluster.worker().kill();
      }
      case KILL_DURING_LARGE_TRANSACTION -> {
        long before = progress.topicEnd();
        int rows = writer.requestLargeTransaction().join();
        progress.awaitTopicAtLeast(before + random.nextInt(rows / 20, rows / 2));
        cluster.worker().kill();
      }
      case KILL_DURING_SINK_BATCH -> {
        progress.awaitSinkWriting();
        cluster.worker().kill();
      }
      case KILL_AFTER_RANDOM_PROGRESS -> {
        progress.await("records after the last fault", random.nextInt(200, 1_500));
        cluster.worker().kill();
      }
      case RESTART_POSTGRES -> {
        progress.await("records before the server restart", 500);
        writer.whilePaused(pg::restart);
      }
      case CUT_CONNECTIONS -> {
        progress.await("records before cutting connections", 500);
        int cut = proxy.cutAll();
        assertThat(cut).as("connections of source and sink cut by the proxy").isGreaterThan(0);
      }
    }
  }

  /** What the test watches to pick its moments: the topic's end offset and the copy's rows. */
  private static final class Progress {
    private final PostgresServer pg;
    private final Admin admin;
    private final TopicPartition partition;
    private final String copy;
    private final AtomicLong lastMark = new AtomicLong();

    Progress(PostgresServer pg, Admin admin, String topic, String copy) {
      this.pg = pg;
      this.admin = admin;
      this.partition = new TopicPartition(topic, 0);
      this.copy = copy;
    }

    long topicEnd() {
      return TopicReader.endOffset(admin, partition);
    }

    void awaitTopicAtLeast(long offset) {
      await("topic end offset " + offset, () -> topicEnd() >= offset);
      lastMark.set(topicEnd());
    }

    /** Waits until the topic has {@code records} more than at the last mark. */
    void await(String what, long records) {
      long target = lastMark.get() + records;
      await(what + " (end offset " + target + ")", () -> topicEnd() >= target);
      lastMark.set(topicEnd());
    }

    /** Returns right after the sink committed a change to the copy, while more are to come. */
    void awaitSinkWriting() {
      AtomicReference<String> first = new AtomicReference<>(copyState());
      await(
          "the sink to write to " + copy,
          () -> {
            String now = copyState();
            return !now.equals(first.get()) && !now.isEmpty();
          });
      lastMark.set(topicEnd());
    }

    private String copyState() {
      try (Connection c = pg.connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT count(*), sum(v) FROM public." + copy + " WHERE v >= 0")) {
        rs.next();
        return rs.getLong(1) + "/" + rs.getLong(2);
      } catch (SQLException e) {
        return ""; // not created yet, or the server restarts
      }
    }

    private static void await(String what, BooleanSupplier condition) {
      Deadline.in(TIMEOUT).await(what, condition::getAsBoolean, () -> "not yet");
    }
  }

  /** Reads the topic from the start until it holds every committed change. */
  private static void assertEveryChangeInKafka(
      ConnectCluster cluster, String topic, Set<String> committed) {
    Set<String> seen = new HashSet<>();
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-fault-it-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    Deadline deadline = Deadline.in(TIMEOUT);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (!seen.containsAll(committed)) {
        if (deadline.expired()) {
          Set<String> missing = new HashSet<>(committed);
          missing.removeAll(seen);
          throw new AssertionError(
              missing.size()
                  + " committed changes not in "
                  + topic
                  + ", e.g. "
                  + missing.stream().limit(10).toList());
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          String change = change(r.value());
          if (change != null) {
            seen.add(change);
          }
        }
      }
    }
  }

  /** "c:id:v" for a snapshot row, insert or update, "d:id" for a delete; null for a tombstone. */
  private static String change(String value) {
    if (value == null) {
      return null;
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(value).path("payload");
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + value, e);
    }
    String op = payload.path("op").asText();
    return switch (op) {
      case "d" -> "d:" + payload.path("before").path("id").asLong();
      case "r", "c" ->
          "c:"
              + payload.path("after").path("id").asLong()
              + ":"
              + payload.path("after").path("v").asLong();
      case "u" ->
          "u:"
              + payload.path("after").path("id").asLong()
              + ":"
              + payload.path("after").path("v").asLong();
      default -> op;
    };
  }

  /**
   * Whether the worker runs pgcdc's REST extension that drops the slot when the source is deleted:
   * the shipped worker properties name it, and the packaged plugin has it.
   */
  private static boolean pluginHasRestExtension() throws IOException {
    Properties worker = new Properties();
    try (var in = Files.newBufferedReader(ItEnvironment.configDir().resolve(WORKER_PROPERTIES))) {
      worker.load(in);
    }
    if (!worker.getProperty("rest.extension.classes", "").contains("io.pgcdc.connector.cleanup.")) {
      return false;
    }
    try (Stream<Path> files = Files.walk(ItEnvironment.pluginDir())) {
      for (Path jar :
          files
              .filter(f -> f.getFileName().toString().startsWith("pgcdc-connector"))
              .filter(f -> f.toString().endsWith(".jar"))
              .toList()) {
        try (JarFile j = new JarFile(jar.toFile())) {
          if (j.stream().anyMatch(e -> e.getName().startsWith("io/pgcdc/connector/cleanup/"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Admin admin(ConnectCluster cluster) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    return Admin.create(props);
  }
}
