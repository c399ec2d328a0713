package io.pgcdc.it.notify;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the server's notification queue fills past queue.usage.warn.ratio, the task logs a warning
 * that says what holds the queue back.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyQueueWarningIT {
  @Test
  void aListenerThatDoesNotReadFillsTheQueueAndTheTaskWarns(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_queue");
    String channel = name + "_c";
    cluster
        .rest()
        .create(
            NotifyFixture.notifySource(pg, name, channel)
                .with("connection.check.interval.ms", "200")
                .with("queue.usage.warn.ratio", "0.0000000001"));
    try (Connection stuck = pg.connect()) {
      NotifyFixture.awaitRunningAndListening(cluster, name);
      // A session that listens, then idles in a transaction, never takes its notifications: they
      // stay in the queue, whose usage becomes a little more than 0.
      try (Statement s = stuck.createStatement()) {
        s.execute("LISTEN \"" + channel + "\"");
        stuck.setAutoCommit(false);
        s.execute("SELECT 1");
      }
      NotifyFixture.send(pg, channel, "x".repeat(7999), "y".repeat(7999));

      Deadline.in(NotifyFixture.TIMEOUT)
          .await(
              "the task's warning about the notification queue in the worker's log",
              () -> workerLogHas(cluster, "The notification queue of the server of database"),
              () -> "no warning in " + cluster.worker().process().logFile());
      stuck.rollback();
    } finally {
      cluster.rest().delete(name);
    }
  }

  private static boolean workerLogHas(ConnectCluster cluster, String text) {
    try (Stream<String> lines =
        Files.lines(cluster.worker().process().logFile(), StandardCharsets.ISO_8859_1)) {
      return lines.anyMatch(line -> line.contains(text) && line.contains("queue.usage.warn.ratio"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
