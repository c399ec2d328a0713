package io.pgcdc.it.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.KafkaSettings;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Sink throughput through a real Connect worker, next to a plain COPY of the same rows into the
 * same table. Not part of the test suite (the name does not end in IT); run it with
 *
 * <pre>
 * mvn -q -pl connector install -DskipTests
 * mvn -pl integration-tests verify -Dit.test=SinkThroughputBenchmark [-Dbench.rows=1000000]
 *     [-Dbench.poll.records=10000]   (max.poll.records and batch.size)
 *     [-Dbench.converter=org.apache.kafka.connect.json.JsonConverter]   (default: pgcdc's, as shipped)
 * </pre>
 *
 * Rows: bigint key, text, numeric(12,2), timestamptz, jsonb; records are flat JSON without schemas
 * (a JsonConverter, schemas.enable=false). A warm-up (not measured, -Dbench.warmup.rows, 1000000)
 * runs a COPY and a sink first, so that the JIT has compiled both paths. Phase 1 inserts N rows;
 * phase 2 sends N more records of which 30% update existing rows, 5% delete (tombstones) and the
 * rest insert. Besides wall-clock rates it prints CPU seconds (from /proc, Linux only) of the
 * processes doing the work: the client thread and the server backend for COPY; the Connect worker
 * and the sink's backend for the sink (the broker is left out). Figures go to docs/performance.md.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkThroughputBenchmark {
  /** Linux clock ticks per second (USER_HZ) in /proc/PID/stat. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** Wall-clock seconds, and CPU seconds of the processes that did the work. */
  private record Run(
      long rows,
      double seconds,
      double clientCpu,
      double backendCpu,
      Map<String, Double> workerThreads) {
    Run(long rows, double seconds, double clientCpu, double backendCpu) {
      this(rows, seconds, clientCpu, backendCpu, Map.of());
    }

    double cpuSeconds() {
      return clientCpu + backendCpu;
    }

    double rate() {
      return rows / seconds;
    }

    double perCpuSecond() {
      return rows / cpuSeconds();
    }
  }

  /**
   * The worker JVM that docs/operations.md recommends for throughput: a fixed 2 GB heap and G1 with
   * its default pause target, not the test suite's small serial-GC heap. Kafka's {@code
   * connect-distributed.sh} adds {@code -XX:MaxGCPauseMillis=20}, which made the worker spend 2 to
   * 3 CPU seconds a million records collecting garbage instead of 0.1 to 0.3; {@code
   * -Dpgcdc.worker.jvm.options=...} on the command line replaces these options (e.g. with the
   * script's), and the figures print the options the worker ran with.
   */
  private static final String WORKER_JVM_OPTIONS = "-Xms2G -Xmx2G -XX:+UseG1GC";

  static {
    // Read when the worker starts, which is after this class is loaded (run the benchmark on its
    // own: a worker that other tests started earlier keeps the test suite's options).
    if (System.getProperty(KafkaSettings.WORKER_JVM_OPTIONS_PROPERTY) == null) {
      System.setProperty(KafkaSettings.WORKER_JVM_OPTIONS_PROPERTY, WORKER_JVM_OPTIONS);
    }
  }

  private static final int ROWS = Integer.getInteger("bench.rows", 1_000_000);
  private static final int WARMUP_ROWS = Integer.getInteger("bench.warmup.rows", 1_000_000);
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final String POLL_RECORDS = System.getProperty("bench.poll.records", "10000");

  /**
   * Key and value converter: pgcdc's, as config/connect-distributed.properties ships it;
   * -Dbench.converter=org.apache.kafka.connect.json.JsonConverter for Kafka's.
   */
  private static final String CONVERTER =
      System.getProperty("bench.converter", "io.pgcdc.connector.json.JsonConverter");

  private static final Map<String, String> SETTINGS =
      Map.of(
          "key.converter", CONVERTER,
          "value.converter", CONVERTER,
          "key.converter.schemas.enable", "false",
          "value.converter.schemas.enable", "false",
          "consumer.override.max.poll.records", POLL_RECORDS,
          "consumer.override.max.partition.fetch.bytes", "10485760",
          "consumer.override.fetch.max.bytes", "52428800",
          "batch.size", POLL_RECORDS,
          "auto.create", "false");

  @Test
  void upsertThroughputNextToCopy(ConnectCluster cluster, PostgresServer pg) throws Exception {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_bench")) {
      String table =
          f.createTable(
              f.name,
              "(id bigint PRIMARY KEY, name text, amount numeric(12,2), ts timestamptz,"
                  + " doc jsonb)");

      // Warm-up, not measured: the COPY client and the worker's sink and converter code get
      // compiled by the JIT first, as in a worker that has been running for a while.
      copy(pg, table, WARMUP_ROWS);
      pg.execute("TRUNCATE public." + table);
      String warmTopic = f.topic + "_warmup";
      String warm = f.name + "_warmup";
      produce(f, warmTopic, WARMUP_ROWS, SinkThroughputBenchmark::insert);
      try {
        runSink(f, warm, warmTopic, table, WARMUP_ROWS - 1, WARMUP_ROWS);
      } finally {
        cluster.rest().delete(warm);
      }
      pg.execute("TRUNCATE public." + table);

      Run copy = copy(pg, table, ROWS);
      pg.execute("TRUNCATE public." + table, "VACUUM ANALYZE public." + table);

      produce(f, f.topic, ROWS, SinkThroughputBenchmark::insert);
      Run inserts = runSink(f, f.name, f.topic, table, ROWS - 1, ROWS);

      String mixedTopic = f.topic + "_mixed";
      String mixed = f.name + "_mixed";
      produce(f, mixedTopic, ROWS, SinkThroughputBenchmark::mixed);
      long expected = ROWS - ROWS / 20 + ROWS - ROWS * 35L / 100;
      Run updates;
      try {
        updates = runSink(f, mixed, mixedTopic, table, 2L * ROWS - 1, expected);
      } finally {
        cluster.rest().delete(mixed);
      }
      assertThat(f.rows("SELECT count(*) FROM " + table + " WHERE name LIKE 'updated-%'"))
          .containsExactly(Long.toString(ROWS * 30L / 100));

      System.out.printf(
          "%nSink benchmark, %,d rows (bigint, text, numeric, timestamptz, jsonb), PostgreSQL %d,"
              + " %d cores, load average %.1f:%n"
              + "                                     wall rows/s   CPU s (client/worker +"
              + " backend)  rows per CPU-s%n"
              + "  plain COPY (client + backend)      %,10.0f  %6.1f (%.1f + %.1f)  %,10.0f%n"
              + "  sink inserts (worker + backend)    %,10.0f  %6.1f (%.1f + %.1f)  %,10.0f  (%.0f%%"
              + " of COPY wall, %.0f%% per CPU-s)%n"
              + "  sink 30%% upd / 5%% del (same)       %,10.0f  %6.1f (%.1f + %.1f)  %,10.0f%n"
              + "  worker CPU s by thread, inserts: %s%n"
              + "  worker CPU s by thread, 30%% upd / 5%% del: %s%n"
              + "  converter: %s%n"
              + "  settings: %s%n"
              + "  worker JVM: %s%n%n",
          ROWS,
          pg.majorVersion(),
          Runtime.getRuntime().availableProcessors(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          copy.rate(),
          copy.cpuSeconds(),
          copy.clientCpu(),
          copy.backendCpu(),
          copy.perCpuSecond(),
          inserts.rate(),
          inserts.cpuSeconds(),
          inserts.clientCpu(),
          inserts.backendCpu(),
          inserts.perCpuSecond(),
          100 * inserts.rate() / copy.rate(),
          100 * inserts.perCpuSecond() / copy.perCpuSecond(),
          updates.rate(),
          updates.cpuSeconds(),
          updates.clientCpu(),
          updates.backendCpu(),
          updates.perCpuSecond(),
          inserts.workerThreads(),
          updates.workerThreads(),
          CONVERTER,
          new java.util.TreeMap<>(SETTINGS),
          workerJvmOptions(cluster));
    }
  }

  /** The heap and GC options the worker runs with, from its command line. */
  private static String workerJvmOptions(ConnectCluster cluster) {
    Path cmdline = Path.of("/proc/" + cluster.worker().process().pid() + "/cmdline");
    try {
      return java.util.Arrays.stream(Files.readString(cmdline).split("\0"))
          .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:"))
          .filter(a -> !a.contains("ExitOnOutOfMemoryError"))
          .collect(java.util.stream.Collectors.joining(" "));
    } catch (IOException e) {
      return "(unknown: " + e + ")";
    }
  }

  /** User plus system CPU seconds a local process has used so far. */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
    }
  }

  /** A thread's name (as Linux keeps it) and the CPU seconds it has used so far. */
  private record ThreadCpu(String name, double seconds) {}

  /** The threads of a local process, by thread id. */
  private static Map<String, ThreadCpu> threadCpuSeconds(long pid) {
    Map<String, ThreadCpu> threads = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
          threads.put(task.getFileName().toString(), new ThreadCpu(name, cpu));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of process " + pid, e);
    }
    return threads;
  }

  /**
   * The CPU seconds threads used between two readings, summed by what they do at the second reading
   * (Linux keeps the first 15 characters of a Java thread's name, and the worker renames its pool
   * threads while they run a task or a connector, so threads are matched by id): the sink's writer
   * thread, the task thread (consumer and converter), garbage collection, the JIT, and others by
   * name when they used 0.3 s or more.
   */
  private static Map<String, Double> byThreadGroup(
      Map<String, ThreadCpu> before, Map<String, ThreadCpu> after) {
    Map<String, Double> groups = new java.util.LinkedHashMap<>();
    for (String group : new String[] {"sink writer", "task", "GC", "JIT", "other"}) {
      groups.put(group, 0.0);
    }
    after.forEach(
        (id, thread) -> {
          String name = thread.name();
          String group;
          if (name.startsWith("pgcdc-sink-wri")) {
            group = "sink writer";
          } else if (name.startsWith("task-thread-")) {
            group = "task";
          } else if (name.startsWith("GC Thread")
              || name.startsWith("G1 ")
              || name.startsWith("VM Thread")) {
            group = "GC";
          } else if (name.contains("CompilerThre")) {
            group = "JIT";
          } else {
            group = "other";
          }
          ThreadCpu earlier = before.get(id);
          double used = thread.seconds() - (earlier == null ? 0 : earlier.seconds());
          if (group.equals("other") && used >= 0.3) {
            group = name.replaceAll("[0-9]+", "N"); // named when it used a noticeable share
          }
          groups.merge(group, used, Double::sum);
        });
    groups.replaceAll((group, cpu) -> Math.round(cpu * 10) / 10.0);
    return groups;
  }

  private static long backendPid(Statement st, String where) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE " + where)) {
      assertThat(rs.next()).as("a backend where " + where).isTrue();
      return rs.getLong(1);
    }
  }

  /** A row's columns; COPY and the records carry the same text. */
  private static String[] row(long id, String name) {
    return new String[] {
      Long.toString(id),
      name,
      (id % 100_000) + "." + String.format("%02d", id % 100),
      "2024-01-01 00:00:00.123456+00",
      "{\"id\": " + id + ", \"tags\": [\"a\", \"b\"], \"ok\": true}"
    };
  }

  private static String json(String[] row) {
    return "{\"id\":"
        + row[0]
        + ",\"name\":\""
        + row[1]
        + "\",\"amount\":\""
        + row[2]
        + "\",\"ts\":\""
        + row[3]
        + "\",\"doc\":\""
        + row[4].replace("\"", "\\\"")
        + "\"}";
  }

  private static String[] insert(int i) {
    return new String[] {"{\"id\":" + i + "}", json(row(i, "name-" + i))};
  }

  /** Record i of phase 2: 30% update row i, 5% delete row i, else insert a new row. */
  private static String[] mixed(int i) {
    int bucket = i % 100;
    if (bucket < 30) {
      return new String[] {"{\"id\":" + i + "}", json(row(i, "updated-" + i))};
    }
    if (bucket < 35) {
      return new String[] {"{\"id\":" + i + "}", null};
    }
    long id = (long) ROWS + i;
    return new String[] {"{\"id\":" + id + "}", json(row(id, "new-" + id))};
  }

  private static Run copy(PostgresServer pg, String table, int rows) throws SQLException {
    try (Connection c = pg.connect();
        Statement st = c.createStatement()) {
      long backend = backendPid(st, "pid = pg_backend_pid()");
      double backendStart = cpuSeconds(backend);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long clientStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("COPY public." + table + " (id, name, amount, ts, doc) FROM STDIN");
      StringBuilder sb = new StringBuilder(1 << 17);
      for (int i = 0; i < rows; i++) {
        sb.append(String.join("\t", row(i, "name-" + i))).append('\n');
        if (sb.length() > 1 << 16 || i == rows - 1) {
          byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(bytes, 0, bytes.length);
          sb.setLength(0);
        }
      }
      long copied = in.endCopy();
      double seconds = (System.nanoTime() - start) / 1e9;
      double client = (threads.getCurrentThreadCpuTime() - clientStart) / 1e9;
      assertThat(copied).isEqualTo(rows);
      return new Run(rows, seconds, client, cpuSeconds(backend) - backendStart);
    }
  }

  private static void produce(
      SinkFixture f, String topic, int count, IntFunction<String[]> recordOf) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, f.cluster.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        String[] kv = recordOf.apply(i);
        producer.send(new ProducerRecord<>(topic, 0, kv[0], kv[1]));
      }
      producer.flush();
    }
  }

  /**
   * Starts a sink on the topic and waits until the row {@code lastId} exists (records arrive in
   * order and each batch commits whole), then checks the row count. Returns records per second.
   */
  private static Run runSink(
      SinkFixture f, String name, String topic, String table, long lastId, long expectedRows)
      throws SQLException {
    ConnectorDefinition sink =
        f.connector()
            .withName(name)
            .with("topics", topic)
            .with("table.name.format", table)
            .with(SETTINGS);
    long worker = f.cluster.worker().process().pid();
    double workerStart = cpuSeconds(worker);
    Map<String, ThreadCpu> threadsStart = threadCpuSeconds(worker);
    long start = System.nanoTime();
    f.cluster.rest().create(sink);
    try (Connection c = f.pg.connect();
        Statement st = c.createStatement()) {
      Deadline.in(TIMEOUT)
          .await(
              "row " + lastId + " in " + table,
              () -> exists(st, table, lastId),
              () -> f.cluster.rest().status(name).describe());
      double seconds = (System.nanoTime() - start) / 1e9;
      double workerCpu = cpuSeconds(worker) - workerStart;
      Map<String, ThreadCpu> threads = threadCpuSeconds(worker);
      double backendCpu =
          cpuSeconds(backendPid(st, "application_name = 'pgcdc-sink " + name + "'"));
      assertThat(f.rows("SELECT count(*) FROM " + table))
          .containsExactly(Long.toString(expectedRows));
      return new Run(ROWS, seconds, workerCpu, backendCpu, byThreadGroup(threadsStart, threads));
    } finally {
      if (name.equals(f.name)) {
        f.cluster.rest().delete(name);
      }
    }
  }

  private static boolean exists(Statement st, String table, long id) {
    try (var rs = st.executeQuery("SELECT 1 FROM " + table + " WHERE id = " + id)) {
      return rs.next();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
