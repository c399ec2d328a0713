package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka broker and a Connect worker, each in its own JVM on loopback, the worker loading pgcdc
 * from the packaged plugin folder. Tests share one per JVM through {@link #shared()} (or {@link
 * KafkaConnectExtension}); the quickstart starts its own with {@link #start}. {@link #close} and a
 * shutdown hook stop both and delete their data.
 */
public final class ConnectCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final String WORK_DIR_PREFIX = "pgcdc-kafka-";
  private static final String OWNER_FILE = "owner.pid";
  private static ConnectCluster shared;
  private static RuntimeException sharedFailure;

  private final Path workDir;
  private final KafkaBroker broker;
  private final ConnectWorker worker;
  private final Thread shutdownHook;
  private final List<Runnable> beforeStop = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private ConnectCluster(Path workDir, KafkaBroker broker, ConnectWorker worker) {
    this.workDir = workDir;
    this.broker = broker;
    this.worker = worker;
    this.shutdownHook = new Thread(this::stopAll, "pgcdc-kafka-shutdown");
  }

  /**
   * The cluster shared by all tests in this JVM, started on first use. If it cannot start, every
   * later call fails at once with the same cause instead of trying again.
   */
  public static synchronized ConnectCluster shared() {
    if (sharedFailure != null) {
      throw new IllegalStateException(
          "the shared Kafka cluster failed to start earlier in this JVM", sharedFailure);
    }
    if (shared == null || shared.closed) {
      try {
        shared = start(KafkaSettings.fromEnvironment(ItEnvironment.logDir()));
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
    }
    return shared;
  }

  /** Starts a broker, then a worker; returns once both answer. */
  public static ConnectCluster start(KafkaSettings settings) {
    removeStaleWorkDirs();
    Path workDir;
    try {
      workDir = Files.createTempDirectory(WORK_DIR_PREFIX);
      Files.writeString(workDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder", e);
    }
    for (String log : List.of("broker-format.log", "broker.log", "worker.log")) {
      FileTrees.deleteQuietly(settings.logDir().resolve(log)); // logs of an earlier run
    }
    KafkaBroker broker = null;
    try {
      broker = KafkaBroker.start(settings, workDir, START_TIMEOUT);
      ConnectWorker worker =
          ConnectWorker.start(settings, broker.bootstrapServers(), workDir, START_TIMEOUT);
      ConnectCluster cluster = new ConnectCluster(workDir, broker, worker);
      Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
      return cluster;
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      FileTrees.deleteQuietly(workDir);
      throw e;
    }
  }

  /**
   * Deletes the data of clusters whose JVM was killed: their broker and worker ended with it (see
   * {@link ChildMain}), but nobody was left to delete the folder.
   */
  private static void removeStaleWorkDirs() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (var dirs = Files.newDirectoryStream(tmp, WORK_DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (Files.exists(owner)
            && !ProcessHandle.of(Long.parseLong(Files.readString(owner).strip()))
                .map(ProcessHandle::isAlive)
                .orElse(false)) {
          FileTrees.deleteQuietly(dir);
        }
      }
    } catch (IOException | NumberFormatException e) {
      System.err.println("pgcdc: cannot look for stale Kafka folders in " + tmp + ": " + e);
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public KafkaBroker broker() {
    return broker;
  }

  public ConnectWorker worker() {
    return worker;
  }

  /** The worker's REST API client. */
  public ConnectRestClient rest() {
    return worker.rest();
  }

  /** Reads the first {@code count} records of {@code topic}; see {@link TopicReader#read}. */
  public List<ConsumerRecord<String, String>> read(String topic, int count, Duration timeout) {
    return TopicReader.read(broker.bootstrapServers(), topic, count, timeout);
  }

  /**
   * Sends records in order, round robin over partitions 0 to {@code partitions - 1}, and waits for
   * the acks. Each record is {key, value} (JSON text, or null for none), optionally followed by
   * header names and values.
   */
  public void produce(String topic, int partitions, List<String[]> records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
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

  /** Creates a topic with {@code partitions} partitions (replication factor 1). */
  public void createTopic(String topic, int partitions) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  /** A header of a record as text (a dead letter queue's context headers); null when missing. */
  public static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code action} when the cluster stops, before the worker does: e.g. deleting connectors so
   * that the source drops its replication slot. Failures are printed, and stopping goes on.
   */
  public void beforeStop(Runnable action) {
    beforeStop.add(action);
  }

  /** Stops the worker, then the broker, and deletes their data. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is running or has run
    }
  }

  private synchronized void stopAll() {
    if (closed) {
      return;
    }
    closed = true;
    for (Runnable action : beforeStop) {
      try {
        action.run();
      } catch (RuntimeException e) {
        System.err.println("pgcdc: before stopping the Connect worker: " + e);
      }
    }
    worker.close();
    broker.close();
    FileTrees.deleteQuietly(workDir);
  }
}
