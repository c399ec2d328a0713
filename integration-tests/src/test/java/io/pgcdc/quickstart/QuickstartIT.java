package io.pgcdc.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.JavaProcess;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The quickstart as README.md runs it, in its own JVM with its own PostgreSQL, broker and worker:
 * it streams demo changes into Kafka and the sink's table, and a SIGTERM (what Ctrl-C amounts to)
 * deletes the connectors, whose slot and publication are dropped while PostgreSQL still runs, and
 * then stops everything it started.
 */
// public.demo_orders is the shipped table name: these two never run at the same time, in case
// they share a server (PGCDC_TEST_PG_URL).
@ResourceLock("pgcdc.demo_orders")
class QuickstartIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  /** The shipped source's slot and publication: pgcdc_ and its name, pgcdc-source. */
  private static final String SLOT = "pgcdc_pgcdc_source";

  private static final String DROPPED =
      "dropped replication slot " + SLOT + " and publication " + SLOT;
  private static final Pattern REST_URI = Pattern.compile("REST API at (http://\\S+/) ");
  private static final Pattern PG_PORT =
      Pattern.compile("PostgreSQL \\d+ at 127\\.0\\.0\\.1:(\\d+)");

  private Path outputFile;

  @Test
  void streamsDemoChangesAndStopsEverythingItStartedOnSigterm() throws Exception {
    Path logDir = Files.createDirectories(ItEnvironment.logDir().resolve("quickstart"));
    Map<String, String> properties = QuickstartLauncher.forwardedProperties();
    properties.put("pgcdc.log.dir", logDir.toString());
    outputFile = logDir.resolve("quickstart.out");
    Process quickstart =
        new ProcessBuilder(QuickstartLauncher.command(properties))
            .redirectErrorStream(true)
            .redirectOutput(outputFile.toFile())
            .start();
    try {
      Deadline.in(START_TIMEOUT)
          .await(
              "an insert in Kafka and in the sink's table",
              () ->
                  has("[pgcdc] ready in")
                      && has("[pgcdc] kafka     pgcdc.public.demo_orders op=c")
                      && has("[pgcdc] sink      public.demo_orders_copy 4 rows"),
              this::lastLines);
      assertThat(new ConnectRestClient(restUri()).config("pgcdc-source"))
          .as("the source's config as its worker returns it")
          .containsEntry("connection.password", "${env:PGCDC_POSTGRES_PASSWORD}");
      List<ProcessHandle> started = quickstart.descendants().toList();
      assertThat(started).as("broker and worker JVMs").hasSizeGreaterThanOrEqualTo(2);
      assertTemporaryFilesUnderTarget(quickstart.toHandle(), started);

      quickstart.destroy();

      assertThat(
              quickstart.waitFor(STOP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
          .as("the quickstart stops within %s", STOP_TIMEOUT)
          .isTrue();
      Deadline.in(Duration.ofSeconds(30))
          .await(
              "the broker and worker to exit",
              () -> started.stream().noneMatch(ProcessHandle::isAlive),
              () -> "alive: " + started.stream().filter(ProcessHandle::isAlive).toList());
      assertStoppedInOrder();
      assertWorkerDroppedSlotAndPublication(logDir.resolve("worker.log"));
      if (System.getenv(PostgresServer.URL_ENV) == null) {
        int port = pgPort();
        Deadline.in(Duration.ofSeconds(30))
            .await(
                "its PostgreSQL server on port " + port + " to stop",
                () -> !listening(port),
                () -> "port " + port + " still accepts connections");
        assertThat(LogFiles.tail(logDir.resolve("postgres.log"), 5))
            .as("PostgreSQL's log, kept with the quickstart's logs")
            .contains("database system is shut down");
      }
    } finally {
      quickstart.destroyForcibly();
    }
  }

  /**
   * The slot and publication are gone (checked by the quickstart on PostgreSQL) before PostgreSQL
   * is stopped, and a last line says that everything has stopped.
   */
  private void assertStoppedInOrder() {
    List<String> output = output();
    int dropped = output.indexOf("[pgcdc] " + DROPPED);
    int stoppingPostgres = indexOfPrefix(output, "[pgcdc] stopped the Connect worker");
    assertThat(dropped).as("the line '%s' in %s", DROPPED, lastLines()).isNotNegative();
    assertThat(stoppingPostgres)
        .as("PostgreSQL is stopped after the worker and the broker: %s", lastLines())
        .isGreaterThan(dropped);
    assertThat(output.get(output.size() - 1))
        .as("the last line")
        .startsWith("[pgcdc] stopped: PostgreSQL, the Kafka broker and the Connect worker");
  }

  /**
   * The worker's own account: its cleanup dropped both, and nothing failed for lack of a server.
   */
  private static void assertWorkerDroppedSlotAndPublication(Path workerLog) {
    String log = LogFiles.since(workerLog, 0);
    assertThat(log)
        .as("worker log %s", workerLog)
        .contains("dropped slot " + SLOT + " on ")
        .contains("dropped publication " + SLOT + " on ")
        .doesNotContain("could not be dropped")
        .doesNotContain("the database system is shutting down");
  }

  private static int indexOfPrefix(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The quickstart's JVM and the broker and worker it starts keep lz4-java's library in target/.
   */
  private static void assertTemporaryFilesUnderTarget(
      ProcessHandle quickstart, List<ProcessHandle> children) {
    String option = "-Djava.io.tmpdir=" + System.getProperty("pgcdc.tmp.dir");
    List<ProcessHandle> jvms = new java.util.ArrayList<>(List.of(quickstart));
    children.stream()
        .filter(p -> p.info().command().orElse("").endsWith("java"))
        .forEach(jvms::add);
    assertThat(jvms).as("the quickstart, broker and worker JVMs").hasSizeGreaterThanOrEqualTo(3);
    for (ProcessHandle jvm : jvms) {
      assertThat(JavaProcess.commandLine(jvm.pid()))
          .as("arguments of pid %d", jvm.pid())
          .contains(option);
    }
  }

  /** The quickstart's output so far. */
  private List<String> output() {
    try {
      return Files.readAllLines(outputFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean has(String prefix) {
    return output().stream().anyMatch(line -> line.startsWith(prefix));
  }

  private String lastLines() {
    List<String> output = output();
    return "quickstart output ("
        + outputFile
        + "):\n"
        + String.join("\n", output.subList(Math.max(0, output.size() - 60), output.size()));
  }

  private URI restUri() {
    for (String line : output()) {
      Matcher m = REST_URI.matcher(line);
      if (m.find()) {
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("no REST address in the output: " + lastLines());
  }

  private int pgPort() {
    for (String line : output()) {
      Matcher m = PG_PORT.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no PostgreSQL address in the output: " + lastLines());
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
