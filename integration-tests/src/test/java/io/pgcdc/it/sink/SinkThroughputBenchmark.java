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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Sink throughput through a real Connect worker (the shipped worker file), next to a plain COPY of
 * the same rows into the same table in the same run. Not part of the test suite (the name does not
 * end in IT); run it with
 *
 * <pre>
 * mvn -pl integration-tests -am verify -Dit.test=SinkThroughputBenchmark -Dtest=NoSuchTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.rows=1000000] [-Dbench.warmup.rows=300000]
 *     [-Dbench.schemas=true,false]   (records with embedded schemas, without, or both in turn)
 *     [-Dbench.poll.records=10000]   (consumer.override.max.poll.records; default: Connect's 500)
 *     [-Dbench.batch.size=...] [-Dbench.linger.ms=...]   (the sink's; default: its defaults)
 *     [-Dbench.converter=org.apache.kafka.connect.json.JsonConverter]   (default: pgcdc's, as shipped)
 * </pre>
 *
 * Rows: bigint key, text, numeric(12,2), timestamptz, jsonb ({@link BenchRecords}). Per record
 * format: a COPY of N rows into the empty table; the sink inserting N rows; then N more records of
 * which 30% update existing rows, 5% delete (tombstones) and the rest insert. A warm-up (not
 * measured, per format) runs a COPY and a sink first, so that the JIT has compiled both paths. It
 * prints wall-clock rates, each sink phase as a share of the COPY's rate, and CPU seconds (from
 * /proc, Linux only): the client thread and the server backend for COPY, the Connect worker and the
 * sink's backend for the sink (the broker is left out), and each phase's share of COPY per
 * CPU-second (the COPY's CPU seconds over the phase's, same rows); the backends' CPU per row shows
 * what each costs PostgreSQL. Figures go to docs/performance.md.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkThroughputBenchmark {
  /**
   * The worker JVM that docs/operations.md recommends for throughput: a fixed 2 GB heap and G1 with
   * its default pause target, not the test suite's small serial-GC heap. {@code
   * -Dpgcdc.worker.jvm.options=...} on the command line replaces these options (e.g. with Kafka's
   * {@code connect-distributed.sh}'s), and the figures print the options the worker ran with.
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
  private static final int WARMUP_ROWS = Integer.getInteger("bench.warmup.rows", 300_000);
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final List<Boolean> SCHEMAS =
      Arrays.stream(System.getProperty("bench.schemas", "true,false").split(","))
          .map(s -> Boolean.parseBoolean(s.trim()))
          .toList();

  /**
   * Key and value converter: pgcdc's, as config/connect-distributed.properties ships it;
   * -Dbench.converter=org.apache.kafka.connect.json.JsonConverter for Kafka's.
   */
  private static final String CONVERTER =
      System.getProperty("bench.converter", "io.pgcdc.connector.json.JsonConverter");

  /** Wall-clock seconds, and CPU seconds of the processes that did the work. */
  private record Run(
      long rows,
      double seconds,
      double clientCpu,
      double backendCpu,
      Map<String, Double> workerThreads) {
    double rate() {
      return rows / seconds;
    }

    /** The client's (or worker's) CPU seconds plus the backend's. */
    double cpuSeconds() {
      return clientCpu + backendCpu;
    }

    double backendMicrosPerRow() {
      return backendCpu * 1e6 / rows;
    }
  }

  /** The three phases of one record format. */
  private record Result(boolean schemas, Run copy, Run inserts, Run mixed) {}

  /** The connector settings besides the shipped sink file's; only what the command line asks. */
  private static Map<String, String> settings(boolean schemas) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("key.converter", CONVERTER);
    s.put("value.converter", CONVERTER);
    s.put("key.converter.schemas.enable", Boolean.toString(schemas));
    s.put("value.converter.schemas.enable", Boolean.toString(schemas));
    s.put("auto.create", "false");
    optional(s, "bench.poll.records", "consumer.override.max.poll.records");
    optional(s, "bench.batch.size", "batch.size");
    optional(s, "bench.linger.ms", "batch.linger.ms");
    return s;
  }

  private static void optional(Map<String, String> settings, String property, String key) {
    String value = System.getProperty(property);
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  @Test
  void upsertThroughputNextToCopy(ConnectCluster cluster, PostgresServer pg) throws Exception {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_bench")) {
      String table =
          f.createTable(
              f.name,
              "(id bigint PRIMARY KEY, name text, amount numeric(12,2), ts timestamptz,"
                  + " doc jsonb)");
      List<Result> results = new ArrayList<>();
      for (boolean schemas : SCHEMAS) {
        warmUp(f, table, schemas);
        results.add(measure(f, table, schemas));
      }
      print(cluster, pg, results);
    }
  }

  /** Not measured: the COPY client and the worker's code get compiled by the JIT first. */
  private static void warmUp(SinkFixture f, String table, boolean schemas) throws SQLException {
    copy(f.pg, table, WARMUP_ROWS);
    f.pg.execute("TRUNCATE public." + table);
    String topic = f.topic + "_warmup_" + schemas;
    BenchRecords records = new BenchRecords(schemas);
    produce(f, topic, WARMUP_ROWS, records::insert);
    runSink(
        f,
        f.name + "_warmup_" + schemas,
        topic,
        table,
        schemas,
        WARMUP_ROWS,
        WARMUP_ROWS - 1,
        WARMUP_ROWS);
    f.pg.execute("TRUNCATE public." + table);
  }

  private static Result measure(SinkFixture f, String table, boolean schemas) throws SQLException {
    BenchRecords records = new BenchRecords(schemas);
    Run copy = copy(f.pg, table, ROWS);
    f.pg.execute("TRUNCATE public." + table, "VACUUM ANALYZE public." + table);

    String insertTopic = f.topic + "_inserts_" + schemas;
    produce(f, insertTopic, ROWS, records::insert);
    Run inserts =
        runSink(
            f, f.name + "_inserts_" + schemas, insertTopic, table, schemas, ROWS, ROWS - 1, ROWS);

    String mixedTopic = f.topic + "_mixed_" + schemas;
    produce(f, mixedTopic, ROWS, i -> records.mixed(ROWS, i));
    long expected = ROWS - ROWS / 20 + ROWS - ROWS * 35L / 100;
    Run mixed =
        runSink(
            f,
            f.name + "_mixed_" + schemas,
            mixedTopic,
            table,
            schemas,
            ROWS,
            2L * ROWS - 1,
            expected);
    assertThat(f.rows("SELECT count(*) FROM " + table + " WHERE name LIKE 'updated-%'"))
        .containsExactly(Long.toString(ROWS * 30L / 100));
    f.pg.execute("TRUNCATE public." + table);
    return new Result(schemas, copy, inserts, mixed);
  }

  private static void print(ConnectCluster cluster, PostgresServer pg, List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%nSink benchmark, %,d rows (bigint, text, numeric, timestamptz, jsonb), PostgreSQL %d,"
                + " %d cores, load average %.1f:%n"
                + "  %-34s %12s %8s %22s %10s %14s%n",
            ROWS,
            pg.majorVersion(),
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            "",
            "wall rows/s",
            "of COPY",
            "CPU s client + backend",
            "per CPU-s",
            "backend µs/row"));
    for (Result r : results) {
      String format = r.schemas() ? "with schemas" : "without schemas";
      line(out, "plain COPY (" + format + ")", r.copy(), r.copy());
      line(out, "sink inserts (worker + backend)", r.inserts(), r.copy());
      line(out, "sink 30% upd / 5% del (same)", r.mixed(), r.copy());
      out.append(
          String.format("    worker CPU s by thread, inserts: %s%n", r.inserts().workerThreads()));
      out.append(
          String.format(
              "    worker CPU s by thread, 30%% upd / 5%% del: %s%n", r.mixed().workerThreads()));
    }
    Map<String, String> settings = new TreeMap<>(settings(true));
    settings.remove("key.converter.schemas.enable");
    settings.remove("value.converter.schemas.enable");
    out.append(
        String.format(
            "  converter: %s%n  settings besides config/pgcdc-sink.json and the worker file: %s%n"
                + "  worker JVM: %s%n",
            CONVERTER, settings, workerJvmOptions(cluster)));
    System.out.println(out);
  }

  private static void line(StringBuilder out, String what, Run run, Run copy) {
    out.append(
        String.format(
            "  %-34s %,12.0f %7.0f%% %9.1f (%.1f + %.1f) %9.0f%% %14.2f%n",
            what,
            run.rate(),
            100 * run.rate() / copy.rate(),
            run.cpuSeconds(),
            run.clientCpu(),
            run.backendCpu(),
            100 * copy.cpuSeconds() / run.cpuSeconds(),
            run.backendMicrosPerRow()));
  }

  /** The heap and GC options the worker runs with, from its command line. */
  private static String workerJvmOptions(ConnectCluster cluster) {
    Path cmdline = Path.of("/proc/" + cluster.worker().process().pid() + "/cmdline");
    try {
      return Arrays.stream(Files.readString(cmdline).split("\0"))
          .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:"))
          .filter(a -> !a.contains("ExitOnOutOfMemoryError"))
          .collect(Collectors.joining(" "));
    } catch (IOException e) {
      return "(unknown: " + e + ")";
    }
  }

  private static long backendPid(Statement st, String where) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE " + where)) {
      assertThat(rs.next()).as("a backend where " + where).isTrue();
      return rs.getLong(1);
    }
  }

  private static Run copy(PostgresServer pg, String table, int rows) throws SQLException {
    try (Connection c = pg.connect();
        Statement st = c.createStatement()) {
      long backend = backendPid(st, "pid = pg_backend_pid()");
      double backendStart = ProcessCpu.seconds(backend);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long clientStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("COPY public." + table + " (id, name, amount, ts, doc) FROM STDIN");
      StringBuilder sb = new StringBuilder(1 << 17);
      for (int i = 0; i < rows; i++) {
        sb.append(String.join("\t", BenchRecords.row(i, "name-" + i))).append('\n');
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
      double backendCpu = ProcessCpu.seconds(backend) - backendStart;
      return new Run(rows, seconds, client, backendCpu, Map.of());
    }
  }

  private static void produce(
      SinkFixture f, String topic, int count, IntFunction<String[]> recordOf) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, f.cluster.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 << 20));
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
   * order and each batch commits whole), then checks the row count and deletes the connector.
   */
  private static Run runSink(
      SinkFixture f,
      String name,
      String topic,
      String table,
      boolean schemas,
      int records,
      long lastId,
      long expectedRows)
      throws SQLException {
    ConnectorDefinition sink =
        f.connector()
            .without("consumer.override.max.poll.records") // Connect's default unless asked
            .withName(name)
            .with("topics", topic)
            .with("table.name.format", table)
            .with(settings(schemas));
    long worker = f.cluster.worker().process().pid();
    double workerStart = ProcessCpu.seconds(worker);
    Map<String, ProcessCpu.ThreadCpu> threadsStart = ProcessCpu.threads(worker);
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
      double workerCpu = ProcessCpu.seconds(worker) - workerStart;
      Map<String, ProcessCpu.ThreadCpu> threads = ProcessCpu.threads(worker);
      double backendCpu =
          ProcessCpu.seconds(backendPid(st, "application_name = 'pgcdc-sink " + name + "'"));
      assertThat(f.rows("SELECT count(*) FROM " + table))
          .containsExactly(Long.toString(expectedRows));
      return new Run(
          records, seconds, workerCpu, backendCpu, ProcessCpu.byThreadGroup(threadsStart, threads));
    } finally {
      f.cluster.rest().delete(name);
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
