package io.pgcdc.it.kafka;

import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the broker and worker processes are started with: Kafka's classpath (never our modules), the
 * worker properties and plugin folder, and where logs go.
 *
 * @param classpath the broker's and worker's classpath
 * @param pluginDir the first folder of the worker's {@code plugin.path}: pgcdc's
 * @param extraPluginDirs further folders of {@code plugin.path} (other vendors' plugins)
 * @param workerProperties the shipped worker properties (config/connect-distributed.properties)
 * @param logDir where broker.log and worker.log go
 * @param workerOverrides worker properties that replace those of {@code workerProperties}
 * @param workerEnvironment environment variables the worker gets on top of this JVM's
 */
public record KafkaSettings(
    String classpath,
    Path pluginDir,
    List<Path> extraPluginDirs,
    Path workerProperties,
    Path logDir,
    Map<String, String> workerOverrides,
    Map<String, String> workerEnvironment) {

  /**
   * The environment variable that the shipped connector JSON reads the password from ({@code
   * ${env:PGCDC_POSTGRES_PASSWORD}}, through the worker's {@code EnvVarConfigProvider}).
   */
  public static final String POSTGRES_PASSWORD_ENV = "PGCDC_POSTGRES_PASSWORD";

  public KafkaSettings {
    extraPluginDirs = List.copyOf(extraPluginDirs);
    workerOverrides = Map.copyOf(workerOverrides);
    workerEnvironment = Map.copyOf(workerEnvironment);
  }

  /** These settings with one more folder at the end of the worker's {@code plugin.path}. */
  public KafkaSettings withExtraPluginDir(Path dir) {
    List<Path> dirs = new ArrayList<>(extraPluginDirs);
    dirs.add(dir);
    return new KafkaSettings(
        classpath, pluginDir, dirs, workerProperties, logDir, workerOverrides, workerEnvironment);
  }

  /**
   * These settings with worker properties that replace the shipped ones, e.g. a shorter {@code
   * session.timeout.ms} for a test that kills the worker often.
   */
  public KafkaSettings withWorkerOverrides(Map<String, String> overrides) {
    Map<String, String> merged = new java.util.LinkedHashMap<>(workerOverrides);
    merged.putAll(overrides);
    return new KafkaSettings(
        classpath, pluginDir, extraPluginDirs, workerProperties, logDir, merged, workerEnvironment);
  }

  /**
   * From the system properties that failsafe and the quickstart set; logs in {@code logDir}. The
   * worker gets the password of {@link PostgresServer#shared()} in {@link #POSTGRES_PASSWORD_ENV},
   * as a deployment would give it, so the shipped connector JSON works unchanged.
   */
  public static KafkaSettings fromEnvironment(Path logDir) {
    Path classpathFile = ItEnvironment.kafkaClasspathFile();
    String classpath;
    try {
      classpath = Files.readString(classpathFile).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + classpathFile, e);
    }
    List<String> leaks =
        Arrays.stream(classpath.split(java.io.File.pathSeparator))
            .map(jar -> Path.of(jar).getFileName().toString())
            .filter(jar -> jar.startsWith("pgcdc-") || jar.startsWith("postgresql-"))
            .toList();
    if (!leaks.isEmpty()) {
      throw new IllegalStateException(
          "the worker classpath in "
              + classpathFile
              + " holds "
              + leaks
              + ": the worker must load pgcdc and its JDBC driver from plugin.path only;"
              + " exclude them in integration-tests/pom.xml (kafka-classpath)");
    }
    return new KafkaSettings(
        classpath,
        ItEnvironment.pluginDir(),
        ItEnvironment.extraPluginDirs(),
        ItEnvironment.configDir().resolve("connect-distributed.properties"),
        logDir,
        Map.of(),
        Map.of(POSTGRES_PASSWORD_ENV, PostgresServer.shared().password()));
  }

  /** The worker's {@code plugin.path}: pgcdc's folder first, then the others. */
  String pluginPath() {
    List<String> dirs = new ArrayList<>();
    dirs.add(pluginDir.toString());
    extraPluginDirs.forEach(dir -> dirs.add(dir.toString()));
    return String.join(",", dirs);
  }

  /**
   * The system property with heap and GC options that replace the test defaults for the Connect
   * worker, e.g. {@code -Xms1G -Xmx1G -XX:+UseG1GC -XX:MaxGCPauseMillis=20} (what Kafka's scripts
   * start Connect with) for a benchmark; read when a worker starts.
   */
  public static final String WORKER_JVM_OPTIONS_PROPERTY = "pgcdc.worker.jvm.options";

  /**
   * JVM options: small heaps and the serial GC for a 2-core test machine (or, for the worker, those
   * of {@link #WORKER_JVM_OPTIONS_PROPERTY}), log4j2 writing to the process output.
   */
  List<String> jvmOptions(String role) {
    List<String> options = new ArrayList<>();
    String worker = role.equals("worker") ? System.getProperty(WORKER_JVM_OPTIONS_PROPERTY) : null;
    if (worker != null && !worker.isBlank()) {
      options.addAll(Arrays.asList(worker.strip().split("\\s+")));
    } else {
      options.add(role.equals("format") ? "-Xmx256m" : "-Xmx768m");
      options.add("-XX:+UseSerialGC");
    }
    options.add("-XX:+ExitOnOutOfMemoryError");
    options.add("-Djava.awt.headless=true");
    // This JVM's temporary folder, under target/ in the build: lz4-java unpacks its native
    // library there and leaves it behind.
    options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    options.add("-Dlog4j2.configurationFile=" + log4jConfig());
    return options;
  }

  private Path log4jConfig() {
    Path file = logDir.resolve("log4j2.properties");
    synchronized (KafkaSettings.class) {
      try (var in = KafkaSettings.class.getResourceAsStream("log4j2.properties")) {
        if (in == null) {
          throw new IllegalStateException("log4j2.properties missing from the test classpath");
        }
        Files.createDirectories(logDir);
        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
    return file;
  }
}
