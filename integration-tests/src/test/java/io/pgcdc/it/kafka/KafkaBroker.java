package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * One KRaft node (broker and controller in one JVM, {@code kafka.Kafka}) on loopback, its data in a
 * temporary folder. Start it with {@link #start}; {@link #close} stops it and deletes the data.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final int ATTEMPTS = 3;

  private final JavaProcess process;
  private final String bootstrapServers;
  private final Path dataDir;

  private KafkaBroker(JavaProcess process, String bootstrapServers, Path dataDir) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /**
   * Formats the storage and starts the node, retrying with other ports if one was taken; returns
   * once it answers a metadata request.
   */
  public static KafkaBroker start(KafkaSettings settings, Path workDir, Duration timeout) {
    IllegalStateException lastFailure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Path dataDir = workDir.resolve("broker-" + attempt);
      int port = Ports.freePort();
      int controllerPort = Ports.freePort();
      Path properties = writeProperties(dataDir, port, controllerPort);
      format(settings, properties);
      JavaProcess process =
          JavaProcess.start(
              "kafka-broker",
              settings.classpath(),
              settings.jvmOptions("broker"),
              "kafka.Kafka",
              List.of(properties.toString()),
              settings.logDir().resolve("broker.log"));
      KafkaBroker broker = new KafkaBroker(process, "127.0.0.1:" + port, dataDir);
      try {
        broker.awaitReady(Deadline.in(timeout));
        return broker;
      } catch (IllegalStateException e) {
        boolean retry = !process.isAlive() && Ports.lostPortRace(process);
        broker.close();
        lastFailure = e;
        if (!retry) {
          throw e;
        }
      }
    }
    throw lastFailure;
  }

  private static Path writeProperties(Path dataDir, int port, int controllerPort) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    config.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("log.dirs", dataDir.resolve("data").toString());
    // One node: every internal topic has one replica, and nothing waits for other members.
    config.put("num.partitions", "1");
    config.put("default.replication.factor", "1");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "true");
    Properties properties = new Properties();
    properties.putAll(config);
    Path file = dataDir.resolve("server.properties");
    try {
      Files.createDirectories(dataDir);
      try (var out = Files.newBufferedWriter(file)) {
        properties.store(out, "pgcdc test broker");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** kafka-storage.sh format: a KRaft node starts only on formatted storage. */
  private static void format(KafkaSettings settings, Path properties) {
    List<String> args = new ArrayList<>();
    args.add("format");
    args.add("--cluster-id");
    args.add(Uuid.randomUuid().toString());
    args.add("--config");
    args.add(properties.toString());
    JavaProcess format =
        JavaProcess.start(
            "kafka-storage-format",
            settings.classpath(),
            settings.jvmOptions("format"),
            "kafka.tools.StorageTool",
            args,
            settings.logDir().resolve("broker-format.log"));
    int exit = format.awaitExit(Duration.ofMinutes(2));
    if (exit != 0) {
      throw new IllegalStateException(
          "formatting KRaft storage failed (exit "
              + exit
              + "); log "
              + format.logFile()
              + ":\n"
              + format.logTail(40));
    }
  }

  private void awaitReady(Deadline deadline) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(config)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Kafka broker exited with code "
                  + process.exitCode()
                  + " while starting; log "
                  + process.logFile()
                  + ":\n"
                  + process.logTail(60));
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not up yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
        if (deadline.expired()) {
          throw new IllegalStateException(
              "Kafka broker not ready after "
                  + deadline.timeout()
                  + "; log "
                  + process.logFile()
                  + ":\n"
                  + process.logTail(60));
        }
        deadline.pause();
      }
    }
  }

  /** host:port for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public JavaProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(30));
    FileTrees.deleteQuietly(dataDir);
  }
}
