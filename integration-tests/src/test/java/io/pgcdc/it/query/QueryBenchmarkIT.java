package io.pgcdc.it.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.postgresql.PGConnection;

/**
 * The query source's bulk mode over one table, beside the CDC source's snapshot of the same table
 * and {@code COPY (SELECT ...) TO STDOUT} of it, in the same run, through the real worker with the
 * shipped worker file and connector defaults. Not part of the test suite; run with
 *
 * <pre>
 * mvn -pl integration-tests -am verify -Dit.test=QueryBenchmarkIT -Dbenchmark=true \
 *     -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false [-Dbenchmark.rows=1000000]
 * </pre>
 *
 * Each connector's rate counts from its first record in Kafka to its last (the topic's end offsets,
 * polled every 50 ms); its CPU is the worker JVM's over the whole phase. COPY's CPU is its server
 * backend's. Two rounds: the first also warms the worker's JIT. Figures go to docs/performance.md.
 */
@Isolated
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class QueryBenchmarkIT {
  private static final int ROWS = Integer.getInteger("benchmark.rows", 1_000_000);
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final double TICKS_PER_SECOND = 100.0;

  /** Rounds ({@code -Dbenchmark.rounds}, default 2); the first also warms the worker's JIT. */
  private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 2);

  /**
   * Whether to measure the CDC snapshot beside ({@code -Dbenchmark.snapshot=false} leaves it out,
   * e.g. for a 10-million-row run on a worker with a small heap).
   */
  private static final boolean SNAPSHOT = !"false".equals(System.getProperty("benchmark.snapshot"));

  @Test
  void bulkQueryBesideTheSnapshotAndCopy(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String table = pg.uniqueName("qbench");
    pg.execute(
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, a integer, b text, c numeric(12,2),"
            + " d timestamptz, e boolean)",
        "INSERT INTO "
            + table
            + " SELECT g, g % 1000, 'text value ' || g, g * 1.25,"
            + " '2026-01-01'::timestamptz + g * interval '1 second', g % 2 = 0"
            + " FROM generate_series(1, "
            + ROWS
            + ") g",
        "VACUUM ANALYZE " + table);
    List<String> results = new ArrayList<>();
    long worker = cluster.worker().process().pid();
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        results.add(copy(pg, table, round));
        String snap = table + "_snap" + round;
        if (SNAPSHOT) {
          results.add(
              measure(
                  cluster,
                  worker,
                  "snapshot",
                  round,
                  snap + ".public." + table,
                  ConnectorDefinition.fromConfigDir("pgcdc-source.json")
                      .withName(snap)
                      .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
                      .with("table.include.list", "public." + table)
                      .with("topic.prefix", snap)
                      .with("snapshot.mode", "initial_only")));
        }
        String query = table + "_query" + round;
        results.add(
            measure(
                cluster,
                worker,
                "query bulk",
                round,
                query + "all",
                ConnectorDefinition.fromConfigDir("pgcdc-query.json")
                    .withName(query)
                    .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
                    .with("topic.prefix", query)
                    .with("queries", "all")
                    .with("query.all.sql", "SELECT * FROM " + table)
                    .with("query.all.key.columns", "id")
                    .with("query.all.interval.ms", "86400000")));
      }
      results.addAll(emptyPollPlan(pg, table));
    } finally {
      System.out.println("==== query source benchmark, " + ROWS + " rows ====");
      results.forEach(System.out::println);
      pg.execute("DROP TABLE " + table);
    }
  }

  /**
   * The plan of a timestamp+incrementing run that finds nothing new (the position is the last row),
   * with an index on (timestamp, id): what each idle poll costs the server, beside the bound query.
   */
  private static List<String> emptyPollPlan(PostgresServer pg, String table) throws SQLException {
    pg.execute("CREATE INDEX ON " + table + " (d, id)", "ANALYZE " + table);
    List<String> plan = new ArrayList<>();
    plan.add("plan of an idle timestamp+incrementing poll (index on (d, id)):");
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT * FROM (\nSELECT * FROM "
                    + table
                    + "\n) AS pgcdc_query WHERE (\"d\", \"id\") > ((SELECT max(d) FROM "
                    + table
                    + "), "
                    + ROWS
                    + ") AND \"d\" < now() + interval '100 years' ORDER BY \"d\", \"id\"")) {
      while (rs.next()) {
        plan.add("    " + rs.getString(1));
      }
    }
    return plan;
  }

  private static String copy(PostgresServer pg, String table, int round)
      throws SQLException, IOException {
    try (Connection c = pg.connect()) {
      long backend = backendPid(c);
      long cpuBefore = cpuTicks(backend);
      long started = System.nanoTime();
      long rows =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyOut(
                  "COPY (SELECT * FROM " + table + ") TO STDOUT", OutputStream.nullOutputStream());
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpu = (cpuTicks(backend) - cpuBefore) / TICKS_PER_SECOND;
      assertThat(rows).isEqualTo(ROWS);
      return String.format(
          "round %d  COPY TO STDOUT      %,10.0f rows/s  server backend CPU %.2f s",
          round, rows / seconds, cpu);
    }
  }

  private static String measure(
      ConnectCluster cluster,
      long worker,
      String what,
      int round,
      String topic,
      ConnectorDefinition connector) {
    long cpuBefore = cpuTicks(worker);
    cluster.rest().create(connector);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      Deadline deadline = Deadline.in(TIMEOUT);
      long firstAt = 0;
      long firstCount = 0;
      while (true) {
        long count = endOffset(admin, topic);
        long now = System.nanoTime();
        if (count > 0 && firstAt == 0) {
          firstAt = now;
          firstCount = count;
        }
        if (count >= ROWS) {
          double rate = (count - firstCount) / ((now - firstAt) / 1e9);
          double cpu = (cpuTicks(worker) - cpuBefore) / TICKS_PER_SECOND;
          return String.format(
              "round %d  %-18s %,10.0f rows/s  worker CPU %.2f s (%.2f s per 100,000 rows),"
                  + " worker peak RSS %s",
              round, what, rate, cpu, cpu * 100_000 / ROWS, peakRss(worker));
        }
        assertThat(deadline.expired()).as("%s: %d of %d records", topic, count, ROWS).isFalse();
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      }
    } finally {
      cluster.rest().delete(connector.name());
    }
  }

  private static long endOffset(Admin admin, String topic) {
    try {
      var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      description
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      long sum = 0;
      for (var info : admin.listOffsets(latest).all().get().values()) {
        sum += info.offset();
      }
      return sum;
    } catch (java.util.concurrent.ExecutionException e) {
      return 0; // the topic does not exist yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The peak resident set of a process (VmHWM of /proc/PID/status). */
  private static String peakRss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring("VmHWM:".length()).strip();
        }
      }
      return "?";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
