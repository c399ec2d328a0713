package io.pgcdc.it.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The statement sink through the real worker on the same records (flat JSON without schemas): a
 * one-statement INSERT template, an {@code UPDATE ... SET n = n + 1} template, the upsert sink into
 * a table of the same shape, and a plain JDBC batch of the same INSERT from this JVM (batches and
 * transactions of the sink's size), in the same run. Not part of the test suite; run with
 *
 * <pre>
 * mvn -pl integration-tests -am verify -Dit.test=StatementBenchmarkIT -Dbenchmark=true \
 *     -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false [-Dbenchmark.records=1000000]
 * </pre>
 *
 * Each sink's rate counts from the first applied row to the last (polled every 100 ms); its CPU is
 * the worker JVM's over the phase. The client's CPU is its thread's. Figures go to
 * docs/performance.md.
 */
@Isolated
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class StatementBenchmarkIT {
  private static final int RECORDS = Integer.getInteger("benchmark.records", 1_000_000);
  private static final int BATCH = 2_000;
  private static final Duration TIMEOUT = Duration.ofMinutes(20);
  private static final double TICKS_PER_SECOND = 100.0;

  @Test
  void templatesBesideTheUpsertSinkAndAClientBatch(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_bench")) {
      String ins = f.name + "_ins";
      String counter = f.name + "_counter";
      String upsert = f.name + "_upsert";
      String client = f.name + "_client";
      for (String t : List.of(ins, upsert, client)) {
        f.create(
            "CREATE TABLE " + t + " (id bigint PRIMARY KEY, qty integer, note text)",
            "DROP TABLE " + t);
      }
      f.create(
          "CREATE TABLE "
              + counter
              + " (id int PRIMARY KEY, n bigint); INSERT INTO "
              + counter
              + " VALUES (1, 0)",
          "DROP TABLE " + counter);
      produce(f);
      long worker = cluster.worker().process().pid();
      List<String> results = new ArrayList<>();
      results.add(clientBatch(pg, client));
      String insert =
          "INSERT INTO " + ins + " (id, qty, note) VALUES (:value.id, :value.qty, :value.note)";
      results.add(
          measure(
              f,
              worker,
              "INSERT template",
              statementSink(f, "_i", insert),
              max(pg, "SELECT coalesce(max(id) + 1, 0) FROM " + ins)));
      results.add(
          measure(
              f,
              worker,
              "UPDATE n = n + 1",
              statementSink(f, "_u", "UPDATE " + counter + " SET n = n + 1 WHERE id = 1"),
              max(pg, "SELECT n FROM " + counter)));
      results.add(
          measure(
              f,
              worker,
              "upsert sink",
              upsertSink(f, upsert),
              max(pg, "SELECT coalesce(max(id) + 1, 0) FROM " + upsert)));
      System.out.printf(
          "%nStatement sink benchmark: %,d records (flat JSON, no schemas), put/transaction of"
              + " %,d, PostgreSQL %d%n",
          RECORDS, BATCH, pg.majorVersion());
      results.forEach(System.out::println);
    }
  }

  private static ConnectorDefinition statementSink(StatementFixture f, String suffix, String sql) {
    return f.schemaless()
        .withName(f.name + suffix)
        .with("consumer.override.max.poll.records", String.valueOf(BATCH))
        .with("statement", sql);
  }

  private static ConnectorDefinition upsertSink(StatementFixture f, String table) {
    return ConnectorDefinition.fromConfigDir("pgcdc-sink.json")
        .withName(f.name + "_s")
        .withConnection(f.pg.host(), f.pg.port(), f.pg.database(), f.pg.user(), f.pg.password())
        .with("topics", f.topic)
        .with("key.converter", "io.pgcdc.connector.json.JsonConverter")
        .with("value.converter", "io.pgcdc.connector.json.JsonConverter")
        .with("key.converter.schemas.enable", "false")
        .with("value.converter.schemas.enable", "false")
        .with("consumer.override.max.poll.records", String.valueOf(BATCH))
        .with("table.name.format", "public." + table)
        .with("auto.create", "false");
  }

  private static void produce(StatementFixture f) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, f.cluster.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(
            new ProducerRecord<>(
                f.topic,
                0,
                "{\"id\":" + i + "}",
                "{\"id\":" + i + ",\"qty\":" + (i % 100) + ",\"note\":\"note " + i + "\"}"));
      }
      producer.flush();
    }
  }

  private static String measure(
      StatementFixture f,
      long worker,
      String what,
      ConnectorDefinition connector,
      LongSupplier done) {
    long cpuBefore = cpuTicks(worker);
    f.cluster.rest().create(connector);
    try {
      Deadline deadline = Deadline.in(TIMEOUT);
      long firstAt = 0;
      long firstCount = 0;
      while (true) {
        long count = done.getAsLong();
        long now = System.nanoTime();
        if (count > 0 && firstAt == 0) {
          firstAt = now;
          firstCount = count;
        }
        if (count >= RECORDS) {
          double rate = (count - firstCount) / ((now - firstAt) / 1e9);
          double cpu = (cpuTicks(worker) - cpuBefore) / TICKS_PER_SECOND;
          return String.format(
              "%-18s %,10.0f records/s  worker CPU %.2f s (%.2f s per 100,000 records)",
              what, rate, cpu, cpu * 100_000 / RECORDS);
        }
        assertThat(deadline.expired()).as("%s: %d of %d", what, count, RECORDS).isFalse();
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
      }
    } finally {
      f.cluster.rest().delete(connector.name());
    }
  }

  /** The same INSERT as a JDBC batch from this JVM: batches and transactions of {@link #BATCH}. */
  private static String clientBatch(PostgresServer pg, String table) throws SQLException {
    var threads = ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + table + " (id, qty, note) VALUES (?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < RECORDS; i++) {
        ps.setLong(1, i);
        ps.setInt(2, i % 100);
        ps.setString(3, "note " + i);
        ps.addBatch();
        if ((i + 1) % BATCH == 0 || i + 1 == RECORDS) {
          ps.executeBatch();
          c.commit();
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
    return String.format(
        "%-18s %,10.0f records/s  client thread CPU %.2f s",
        "client JDBC batch", RECORDS / seconds, cpu);
  }

  private static LongSupplier max(PostgresServer pg, String sql) {
    return () -> {
      try (Connection c = pg.connect();
          var s = c.createStatement();
          var rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException(sql + ": " + e.getMessage(), e);
      }
    };
  }

  /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
