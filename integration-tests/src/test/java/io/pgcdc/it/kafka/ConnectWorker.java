package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * A Kafka Connect worker in distributed mode ({@code ConnectDistributed}) in its own JVM, started
 * with config/connect-distributed.properties; only the broker address, the REST listener and the
 * plugin folders are filled in. It loads pgcdc from {@code plugin.path} alone (its first folder;
 * Debezium's plugins, for the interoperability tests, are in the others).
 */
public final class ConnectWorker implements AutoCloseable {
  private static final int ATTEMPTS = 3;

  private final KafkaSettings settings;
  private final Path propertiesFile;
  private final URI restUri;
  private final ConnectRestClient rest;
  private volatile JavaProcess process;

  private ConnectWorker(KafkaSettings settings, Path propertiesFile, int restPort) {
    this.settings = settings;
    this.propertiesFile = propertiesFile;
    this.restUri = URI.create("http://127.0.0.1:" + restPort + "/");
    this.rest = new ConnectRestClient(restUri);
  }

  /** Starts a worker and returns once its REST API reports it healthy. */
  public static ConnectWorker start(
      KafkaSettings settings, String bootstrapServers, Path workDir, Duration timeout) {
    IllegalStateException lastFailure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int port = Ports.freePort();
      Path file = workDir.resolve("connect-distributed.properties");
      writeProperties(settings, bootstrapServers, port, file);
      ConnectWorker worker = new ConnectWorker(settings, file, port);
      try {
        worker.launch(timeout);
        return worker;
      } catch (IllegalStateException e) {
        boolean retry = !worker.process.isAlive() && Ports.lostPortRace(worker.process);
        worker.close();
        lastFailure = e;
        if (!retry) {
          throw e;
        }
      }
    }
    throw lastFailure;
  }

  /** The shipped worker properties with addresses and paths filled in. */
  private static void writeProperties(
      KafkaSettings settings, String bootstrapServers, int port, Path file) {
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(settings.workerProperties())) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + settings.workerProperties(), e);
    }
    settings.workerOverrides().forEach(properties::setProperty);
    properties.setProperty("bootstrap.servers", bootstrapServers);
    properties.setProperty("listeners", "http://127.0.0.1:" + port);
    properties.setProperty("rest.advertised.host.name", "127.0.0.1");
    properties.setProperty("rest.advertised.port", Integer.toString(port));
    properties.setProperty("plugin.path", settings.pluginPath());
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file)) {
        properties.store(out, "from " + settings.workerProperties() + ", addresses filled in");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private void launch(Duration timeout) {
    process =
        JavaProcess.start(
            "connect-worker",
            settings.classpath(),
            settings.jvmOptions("worker"),
            settings.workerEnvironment(),
            "org.apache.kafka.connect.cli.ConnectDistributed",
            List.of(propertiesFile.toString()),
            settings.logDir().resolve("worker.log"));
    awaitHealthy(Deadline.in(timeout));
  }

  private void awaitHealthy(Deadline deadline) {
    while (!rest.healthy()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Connect worker exited with code "
                + process.exitCode()
                + " while starting; log "
                + process.logFile()
                + ":\n"
                + process.logTail(80));
      }
      if (deadline.expired()) {
        throw new IllegalStateException(
            "Connect worker not healthy after "
                + deadline.timeout()
                + "; log "
                + process.logFile()
                + ":\n"
                + process.logTail(80));
      }
      deadline.pause();
    }
  }

  /** The REST API, e.g. http://127.0.0.1:41234/. */
  public URI restUri() {
    return restUri;
  }

  public ConnectRestClient rest() {
    return rest;
  }

  /** The running worker JVM (replaced by {@link #restart}). */
  public JavaProcess process() {
    return process;
  }

  /** SIGKILL: the worker dies mid-work, without committing offsets or stopping tasks. */
  public void kill() {
    process.kill();
  }

  /**
   * Starts the worker again after {@link #kill} or {@link #close}, with the same properties and
   * REST port, and waits until it is healthy; connectors and offsets come back from Kafka.
   */
  public void restart(Duration timeout) {
    if (process.isAlive()) {
      throw new IllegalStateException("the worker still runs: kill or close it first");
    }
    launch(timeout);
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop(Duration.ofSeconds(30));
    }
  }
}
