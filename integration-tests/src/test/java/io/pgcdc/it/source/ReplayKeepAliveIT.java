package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A streamed transaction whose replay lasts longer than the server's {@code wal_sender_timeout}
 * keeps its replication connection: nothing is read from the connection while the task replays, so
 * the task sends status updates itself; without them the server ends the walsender and the task
 * reconnects and decodes the whole transaction again. The connector's role has {@code
 * wal_sender_timeout = 10s} (a 10-million-row transaction replays for more than the default 60 s; 2
 * s, tried first, was shorter than the gaps between status updates of a task thread starved by a
 * loaded full test run) and {@code logical_decoding_work_mem = 64kB}, so that the server streams
 * the transaction. A replay shorter than twice the timeout shows nothing: the test is skipped then.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class ReplayKeepAliveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(240);
  private static final int ROWS = 300_000;
  private static final Duration SENDER_TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aReplayLongerThanTheSenderTimeoutKeepsItsConnection(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    assumeTrue(pg.majorVersion() >= 14, "streaming of in-progress transactions: PostgreSQL 14+");
    String name = pg.uniqueName("keepalive");
    String table = name + "_t";
    String role = name + "_role";
    String slot = "pgcdc_" + name;
    pg.execute(
        "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'pw'",
        "ALTER ROLE " + role + " SET logical_decoding_work_mem = '64kB'",
        "ALTER ROLE " + role + " SET wal_sender_timeout = '" + SENDER_TIMEOUT.toMillis() + "ms'",
        "GRANT CREATE ON DATABASE " + pg.database() + " TO " + role,
        "CREATE TABLE " + table + " (id bigint PRIMARY KEY, txt text)",
        "ALTER TABLE " + table + " OWNER TO " + role);
    Path log = cluster.worker().process().logFile();
    long logFrom = LogFiles.size(log);
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("connection.user", role)
                  .with("connection.password", "pw")
                  .with("heartbeat.interval.ms", "200"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await("the task streaming", () -> walsenderPid(pg, slot) != 0, () -> "no walsender");
      long walsender = walsenderPid(pg, slot);

      pg.execute(
          "INSERT INTO "
              + table
              + " SELECT g, 'row ' || g FROM generate_series(1, "
              + ROWS
              + ") g");
      SourceFixture.readText(cluster, name + ".public." + table, ROWS, TIMEOUT);

      String since = LogFiles.since(log, logFrom);
      String task = "[task-thread-" + name + "-0] ";
      LocalTime replaying = timeOf(since, task + "TransactionAssembler: Replaying streamed");
      LocalTime replayed = timeOf(since, task + "TransactionAssembler: Replayed streamed");
      assumeTrue(
          Duration.between(replaying, replayed).compareTo(SENDER_TIMEOUT.multipliedBy(2)) > 0,
          "the replay took less than twice wal_sender_timeout: nothing to show here");
      assertThat(since).doesNotContain(task + "PostgresSourceTask: Transient error");
      assertThat(walsenderPid(pg, slot)).as("the same walsender").isEqualTo(walsender);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP TABLE " + table,
          "REVOKE CREATE ON DATABASE " + pg.database() + " FROM " + role,
          "DROP ROLE " + role);
    }
  }

  /** The time of the first log line containing {@code text} (lines start with HH:mm:ss.SSS). */
  private static LocalTime timeOf(String log, String text) {
    String line =
        log.lines()
            .filter(l -> l.contains(text))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no log line with " + text));
    return LocalTime.parse(line.substring(0, 12));
  }

  /** The pid of the walsender reading {@code slot}, or 0. */
  private static long walsenderPid(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
