package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Throughput of the source through the real worker and the JSON converter, next to the rate at
 * which the server streams the same changes over pgoutput to a client that only counts them. Not
 * part of the test suite; run with
 *
 * <pre>
 * mvn -pl integration-tests -am verify -Dit.test=SourceBenchmarkIT -Dtest=NoSuchTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark=true [-Dbenchmark.rows=1000000]
 * </pre>
 *
 * An unmeasured warm-up runs first (see {@link #WARMUP_ROWS}). Each workload is written first; then
 * the counting client reads it from its own slot, then the connector from another slot created at
 * the same point, one after the other, so that they do not share the machine. The connector's rate
 * counts from its first record in Kafka to its last (end offsets of the topic, read without
 * fetching records). Figures go to docs/performance.md.
 */
@Isolated
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SourceBenchmarkIT {
  private static final int ROWS = Integer.getInteger("benchmark.rows", 1_000_000);

  /**
   * Rows of the warm-up that runs once before the first measurement (a snapshot of this many rows,
   * then as many streamed in 10-row transactions and in one), so that the worker's JIT has compiled
   * the paths being measured, as in a worker that has been running for a while; 0 turns it off.
   */
  private static final int WARMUP_ROWS = Integer.getInteger("benchmark.warmup.rows", 200_000);

  private static boolean warmedUp;
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final String COLUMNS =
      "id bigint PRIMARY KEY, a integer, b text, c numeric(12,2), d timestamptz, e boolean";
  private static final String ROW =
      "g, g % 1000, 'row ' || g, g * 1.25, '2026-11-22 10:00+00'::timestamptz + g * interval '1"
          + " second', g % 2 = 0";
  private static final List<String> RESULTS = new ArrayList<>();

  /**
   * Columns the snapshot table has beyond the six above ({@code
   * -Dbenchmark.snapshot.extra.columns}, default 0): integer, text, numeric and timestamptz in
   * turn. Wider rows cost more to read, parse and convert (the reading threads' share) against the
   * same per-record work on the task thread.
   */
  private static final int EXTRA_COLUMNS =
      Integer.getInteger("benchmark.snapshot.extra.columns", 0);

  /** The extra columns' definitions, or with {@code values} their values for row {@code g}. */
  private static String extraColumns(boolean values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < EXTRA_COLUMNS; i++) {
      b.append(", ");
      switch (i % 4) {
        case 0 -> b.append(values ? "g % 100000 + " + i : "x" + i + " integer");
        case 1 -> b.append(values ? "'text " + i + " ' || g" : "x" + i + " text");
        case 2 -> b.append(values ? "g * 0.5 + " + i : "x" + i + " numeric(12,2)");
        default ->
            b.append(
                values
                    ? "'2026-11-22 10:00+00'::timestamptz + g * interval '1 minute'"
                    : "x" + i + " timestamptz");
      }
    }
    return b.toString();
  }

  /**
   * The producer settings; the JSON converter {@code -Dbenchmark.converter} (default pgcdc's, as
   * shipped; {@code org.apache.kafka.connect.json.JsonConverter} for Kafka's), without embedded
   * schemas with {@code -Dbenchmark.schemas=false}.
   */
  private static Map<String, String> settings() {
    Map<String, String> settings = new java.util.HashMap<>(PRODUCER_SETTINGS);
    String converter =
        System.getProperty("benchmark.converter", "io.pgcdc.connector.json.JsonConverter");
    settings.put("key.converter", converter);
    settings.put("value.converter", converter);
    String schemas = String.valueOf(!"false".equals(System.getProperty("benchmark.schemas")));
    settings.put("key.converter.schemas.enable", schemas);
    settings.put("value.converter.schemas.enable", schemas);
    return settings;
  }

  /**
   * Producer settings, by default those of the shipped config/connect-distributed.properties (large
   * lz4 batches, a short linger, a small buffer that bounds the records in flight), set on the
   * connector so that -Dbenchmark.* can change them.
   */
  private static final Map<String, String> PRODUCER_SETTINGS =
      Map.of(
          "producer.override.batch.size",
          System.getProperty("benchmark.batch.size", "262144"),
          "producer.override.linger.ms",
          System.getProperty("benchmark.linger.ms", "10"),
          "producer.override.compression.type",
          System.getProperty("benchmark.compression", "lz4"),
          "producer.override.buffer.memory",
          System.getProperty("benchmark.buffer.memory", "16777216"),
          "producer.override.max.request.size",
          "4194304");

  /**
   * The value modes to measure, each with a connector of its own on the same data in the same run
   * ({@code -Dbenchmark.value.modes}, comma-separated, default typed, the shipped default).
   */
  private static final List<String> VALUE_MODES =
      List.of(System.getProperty("benchmark.value.modes", "typed").split(",")).stream()
          .map(String::strip)
          .toList();

  /** What the benchmark connectors get on top of the shipped config. */
  private static final Map<String, String> PRODUCER = settings();

  @AfterAll
  static void printResults() {
    System.out.println("==== source benchmark, " + ROWS + " rows ====");
    System.out.println("settings: " + new java.util.TreeMap<>(PRODUCER));
    RESULTS.forEach(System.out::println);
  }

  /**
   * Runs the warm-up once per worker: snapshot, 10-row transactions and one large transaction
   * through a connector with the benchmark's settings, until every record is in Kafka.
   */
  private static void warmUp(PostgresServer pg, ConnectCluster cluster) {
    if (warmedUp || WARMUP_ROWS == 0) {
      return;
    }
    String name = pg.uniqueName("bwarm");
    String table = name + "_t";
    pg.execute(
        "CREATE TABLE " + table + " (" + COLUMNS + ")",
        "INSERT INTO "
            + table
            + " SELECT "
            + ROW
            + " FROM generate_series(1, "
            + WARMUP_ROWS
            + ") g");
    long started = System.nanoTime();
    try {
      cluster.rest().create(SourceFixture.source(pg, name, "public." + table).with(PRODUCER));
      String topic = name + ".public." + table;
      connectorRate(cluster, topic, WARMUP_ROWS);
      pg.execute(
          "DO $$ BEGIN FOR i IN 0.."
              + (WARMUP_ROWS / 10 - 1)
              + " LOOP INSERT INTO "
              + table
              + " SELECT "
              + ROW.replace("g,", (WARMUP_ROWS + 1) + " + g,")
              + " FROM generate_series(i * 10 + 1, i * 10 + 10) g; COMMIT; END LOOP; END $$",
          "INSERT INTO "
              + table
              + " SELECT "
              + ROW.replace("g,", (2 * WARMUP_ROWS + 1) + " + g,")
              + " FROM generate_series(1, "
              + WARMUP_ROWS
              + ") g");
      connectorRate(cluster, topic, 3L * WARMUP_ROWS);
      warmedUp = true;
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
    RESULTS.add(
        String.format(
            "warm-up: %,d rows snapshot + %,d streamed, %.0f s (not measured)",
            WARMUP_ROWS, 2 * WARMUP_ROWS, (System.nanoTime() - started) / 1e9));
  }

  @Test
  void streamingOneLargeTransaction(PostgresServer pg, ConnectCluster cluster) throws Exception {
    warmUp(pg, cluster);
    stream(
        pg,
        cluster,
        "one transaction",
        table ->
            List.of(
                "INSERT INTO "
                    + table
                    + " SELECT "
                    + ROW
                    + " FROM generate_series(1, "
                    + ROWS
                    + ") g"));
  }

  @Test
  void streamingTenRowTransactions(PostgresServer pg, ConnectCluster cluster) throws Exception {
    warmUp(pg, cluster);
    stream(
        pg,
        cluster,
        "10-row transactions",
        table ->
            List.of(
                "DO $$ BEGIN FOR i IN 0.."
                    + (ROWS / 10 - 1)
                    + " LOOP INSERT INTO "
                    + table
                    + " SELECT "
                    + ROW
                    + " FROM generate_series(i * 10 + 1, i * 10 + 10) g; COMMIT; END LOOP; END $$"));
  }

  /**
   * The snapshot of one table, once per {@code snapshot.max.threads} value of {@code
   * -Dbenchmark.snapshot.threads} (comma-separated, default 1), each with a connector of its own.
   */
  @Test
  void snapshotOfOneTable(PostgresServer pg, ConnectCluster cluster) {
    warmUp(pg, cluster);
    String tableName = pg.uniqueName("bsnap") + "_t";
    pg.execute(
        "CREATE TABLE " + tableName + " (" + COLUMNS + extraColumns(false) + ")",
        "INSERT INTO "
            + tableName
            + " SELECT "
            + ROW
            + extraColumns(true)
            + " FROM generate_series(1, "
            + ROWS
            + ") g",
        "VACUUM ANALYZE " + tableName);
    try {
      for (String threads : System.getProperty("benchmark.snapshot.threads", "1").split(",")) {
        for (String mode : VALUE_MODES) {
          String name = pg.uniqueName("bsnap");
          try {
            Cpu cpu = Cpu.of(cluster);
            cluster
                .rest()
                .create(
                    SourceFixture.source(pg, name, "public." + tableName)
                        .with(PRODUCER)
                        .with("value.mode", mode)
                        .with("snapshot.max.threads", threads.strip()));
            double rate = connectorRate(cluster, name + ".public." + tableName, ROWS);
            RESULTS.add(
                String.format(
                    "snapshot, value.mode=%s, %s threads, %d columns: connector %,.0f rows/s"
                        + " (target 60,000)%n  connector: %s",
                    mode, threads.strip(), 6 + EXTRA_COLUMNS, rate, cpu.since(ROWS, 0)));
          } finally {
            SourceFixture.cleanup(cluster, pg, name);
          }
        }
      }
    } finally {
      pg.execute("DROP TABLE " + tableName);
    }
  }

  private interface Workload {
    List<String> statements(String table);
  }

  /**
   * Writes the workload once, into a raw slot and one slot per value mode; measures the server's
   * own rate with the raw slot, then each mode's connector on its slot.
   */
  private void stream(PostgresServer pg, ConnectCluster cluster, String label, Workload workload)
      throws Exception {
    String name = pg.uniqueName("bstream");
    String table = name + "_t";
    String rawSlot = name + "_raw";
    String publication = "pgcdc_" + name;
    pg.execute(
        "CREATE TABLE " + table + " (" + COLUMNS + ")",
        "CREATE PUBLICATION " + publication + " FOR TABLE " + table,
        "SELECT pg_create_logical_replication_slot('" + rawSlot + "', 'pgoutput')");
    for (String mode : VALUE_MODES) {
      pg.execute(
          "SELECT pg_create_logical_replication_slot('"
              + publication
              + "_"
              + mode
              + "', 'pgoutput')");
    }
    try {
      long written = System.nanoTime();
      pg.execute(workload.statements(table).toArray(String[]::new));
      double writeSeconds = (System.nanoTime() - written) / 1e9;

      double[] raw = rawRate(pg, rawSlot, publication);
      RESULTS.add(
          String.format(
              "streaming, %s: raw pgoutput %,.0f changes/s (%,.0f from its connection);"
                  + " workload written in %.1f s%n  raw"
                  + " client: client %.1f + walsender %.1f CPU-s, %.1f µs per change",
              label, raw[0], raw[3], writeSeconds, raw[1], raw[2], (raw[1] + raw[2]) * 1e6 / ROWS));
      for (String mode : VALUE_MODES) {
        streamMode(pg, cluster, name + "_" + mode, publication, table, mode, raw);
      }
    } finally {
      pg.execute("DROP PUBLICATION IF EXISTS " + publication);
      pg.execute("SELECT pg_drop_replication_slot('" + rawSlot + "')", "DROP TABLE " + table);
    }
  }

  /** One value mode's connector on its own slot, pgcdc_{@code name}. */
  private void streamMode(
      PostgresServer pg,
      ConnectCluster cluster,
      String name,
      String publication,
      String table,
      String mode,
      double[] raw)
      throws SQLException {
    String slot = "pgcdc_" + name;
    try {
      Cpu cpu = Cpu.of(cluster);
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("snapshot.mode", "never")
                  .with("publication.name", publication)
                  .with("value.mode", mode)
                  .with(PRODUCER));
      double connector = connectorRate(cluster, name + ".public." + table, ROWS);
      long doneMillis = System.currentTimeMillis();
      double walsender = cpuSeconds(walsenderPid(pg, slot));
      // A streamed transaction's first record reaches Kafka only after the whole transaction was
      // spooled: counted from the walsender's start, the rate includes the spooling, as the raw
      // client's rate from its connection does.
      double whole = ROWS / ((doneMillis - walsenderStartMillis(pg, slot)) / 1e3);
      RESULTS.add(
          String.format(
              "  value.mode=%s: connector %,.0f events/s, ratio %.0f%% of raw (target 50%%);"
                  + " from the walsender's start %,.0f events/s, %.0f%% of raw from its"
                  + " connection%n    connector: %s",
              mode,
              connector,
              100 * connector / raw[0],
              whole,
              100 * whole / raw[3],
              cpu.since(ROWS, walsender)));
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
    }
  }

  /** CPU seconds of the worker and the broker from a starting point (Linux /proc). */
  private record Cpu(long worker, long broker, double workerStart, double brokerStart) {
    static Cpu of(ConnectCluster cluster) {
      long worker = cluster.worker().process().pid();
      long broker = cluster.broker().process().pid();
      return new Cpu(worker, broker, cpuSeconds(worker), cpuSeconds(broker));
    }

    String since(long events, double walsender) {
      double w = cpuSeconds(worker) - workerStart;
      double b = cpuSeconds(broker) - brokerStart;
      return String.format(
          "worker %.1f + broker %.1f + walsender %.1f CPU-s, %.1f µs per event (worker %.1f)",
          w, b, walsender, (w + b + walsender) * 1e6 / events, w * 1e6 / events);
    }
  }

  /** User plus system CPU seconds a local process has used so far (clock ticks of 10 ms). */
  private static double cpuSeconds(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** The walsender reading {@code slot}, or 0. */
  private static long walsenderPid(PostgresServer pg, String slot) throws SQLException {
    try (Connection c = pg.connect();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** When the walsender reading {@code slot} connected (epoch milliseconds, server clock). */
  private static long walsenderStartMillis(PostgresServer pg, String slot) throws SQLException {
    try (Connection c = pg.connect();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT (extract(epoch FROM a.backend_start) * 1000)::bigint"
                    + " FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid"
                    + " WHERE s.slot_name = '"
                    + slot
                    + "'")) {
      assertThat(rs.next()).as("walsender of %s", slot).isTrue();
      return rs.getLong(1);
    }
  }

  /**
   * Reads the slot with the options the connector uses and counts Insert messages ('I', inside
   * streamed blocks too) until every row arrived: the server's own streaming rate. Returns the
   * rate, the client thread's CPU seconds, the walsender's, and the rate counted from the start of
   * replication (a streamed transaction's first message comes only once the server has decoded
   * {@code logical_decoding_work_mem} of it).
   */
  private static double[] rawRate(PostgresServer pg, String slot, String publication)
      throws SQLException {
    int major = pg.majorVersion();
    int proto = major >= 16 ? 4 : major >= 15 ? 3 : major >= 14 ? 2 : 1;
    try (Connection c = pg.replicationConnection("pgcdc-benchmark-raw")) {
      var builder =
          c.unwrap(PGConnection.class)
              .getReplicationAPI()
              .replicationStream()
              .logical()
              .withSlotName(slot)
              .withStartPosition(LogSequenceNumber.INVALID_LSN)
              .withSlotOption("proto_version", proto)
              .withSlotOption("publication_names", publication)
              .withStatusInterval(10, TimeUnit.SECONDS);
      if (major >= 14) {
        builder.withSlotOption("streaming", "on");
      }
      long clientStart =
          java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long connected = System.nanoTime();
      PGReplicationStream stream = builder.start();
      long count = 0;
      long first = 0;
      Deadline deadline = Deadline.in(TIMEOUT);
      while (count < ROWS) {
        ByteBuffer message = stream.readPending();
        if (message == null) {
          assertThat(deadline.expired()).as("raw client: %d of %d changes", count, ROWS).isFalse();
          LockSupport.parkNanos(100_000);
          continue;
        }
        if (first == 0) {
          first = System.nanoTime();
        }
        if (message.get(message.position()) == 'I') {
          count++;
        }
      }
      long end = System.nanoTime();
      double seconds = (end - first) / 1e9;
      double client =
          (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                  - clientStart)
              / 1e9;
      double walsender = cpuSeconds(walsenderPid(pg, slot));
      stream.close();
      return new double[] {count / seconds, client, walsender, count / ((end - connected) / 1e9)};
    }
  }

  /**
   * Records per second in {@code topic}, from the first record's arrival to the {@code expected}th
   * one's.
   */
  private static double connectorRate(ConnectCluster cluster, String topic, long expected) {
    return TopicRate.measure(cluster, topic, expected, TIMEOUT).perSecond();
  }
}
