package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * No change is lost when the task is stopped mid-stream and mid-transaction: restarted through the
 * REST API, cut off by a PostgreSQL restart, killed with the whole worker (SIGKILL, offsets not
 * flushed). Large transactions are streamed by the server before they commit (the connector's role
 * has logical_decoding_work_mem = 64kB) and interleave with small ones. Every row id ends up in
 * Kafka; repeats are allowed, gaps are not. Isolated: it kills the shared worker.
 */
@Isolated
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class RestartNoLossIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final int SMALL_WRITERS_ROWS = 12_000;
  private static final int LARGE_TX_ROWS = 3_000;
  private static final int LARGE_TXS = 4;
  private static final int TOTAL = SMALL_WRITERS_ROWS + LARGE_TX_ROWS * LARGE_TXS;

  @Test
  void everyRowArrivesDespiteRestartsServerRestartAndWorkerKill(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("restart");
    String table = name + "_t";
    String role = name + "_role";
    pg.execute(
        "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'pw'",
        pg.majorVersion() >= 13
            ? "ALTER ROLE " + role + " SET logical_decoding_work_mem = '64kB'"
            : "SELECT 1",
        "GRANT CREATE ON DATABASE " + pg.database() + " TO " + role,
        "CREATE TABLE " + table + " (id int PRIMARY KEY, payload text NOT NULL)",
        "ALTER TABLE " + table + " OWNER TO " + role);
    String topic = name + ".public." + table;
    AtomicInteger nextSmall = new AtomicInteger(1);
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread small = new Thread(() -> writeSmall(pg, table, nextSmall, writerError), "small-txs");
    Thread large = new Thread(() -> writeLarge(pg, table, writerError), "large-txs");
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("connection.user", role)
                  .with("connection.password", "pw")
                  .with("max.batch.size", "500")
                  .with("heartbeat.interval.ms", "1000"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      // Write only once the slot exists: every row then travels through the stream.
      io.pgcdc.it.kafka.Deadline.in(TIMEOUT)
          .await(
              "slot pgcdc_" + name,
              () -> slotConfirmedFlush(pg, "pgcdc_" + name) != null,
              () -> "no slot");
      small.start();
      large.start();

      awaitRecords(cluster, topic, 2_000);
      cluster.rest().restart(name);
      cluster.rest().awaitRunning(name, TIMEOUT);

      awaitRecords(cluster, topic, 6_000);
      pg.restart();

      awaitRecords(cluster, topic, 10_000);
      cluster.worker().kill();
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);

      awaitRecords(cluster, topic, 13_000);
      pg.execute(
          "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
              + " WHERE slot_name = 'pgcdc_"
              + name
              + "' AND active");

      awaitRecords(cluster, topic, 16_000);
      cluster.rest().restart(name);
      cluster.rest().awaitRunning(name, TIMEOUT);

      small.join();
      large.join();
      assertThat(writerError.get()).isNull();
      List<Change> changes =
          SourceFixture.readUntil(cluster, topic, l -> missing(l).isEmpty(), TIMEOUT);

      assertThat(missing(changes).cardinality()).as("row ids missing in Kafka").isZero();
      assertThat(
              changes.stream()
                  .collect(
                      java.util.stream.Collectors.groupingBy(
                          c -> c.op() + "/" + c.source().path("snapshot").asText(),
                          java.util.stream.Collectors.counting())))
          .as("records by op/snapshot")
          .containsOnlyKeys("c/false");
      assertThat(slotConfirmedFlush(pg, "pgcdc_" + name))
          .as("slot kept and advanced by acknowledgements")
          .isNotNull()
          .isNotEqualTo("0/0");
    } finally {
      small.join();
      large.join();
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP TABLE " + table,
          "REVOKE CREATE ON DATABASE " + pg.database() + " FROM " + role,
          "DROP ROLE " + role);
    }
  }

  private static void awaitRecords(ConnectCluster cluster, String topic, int count) {
    SourceFixture.readUntil(cluster, topic, l -> l.size() >= count, TIMEOUT);
  }

  private static BitSet missing(List<Change> changes) {
    BitSet seen = new BitSet(TOTAL + 1);
    for (Change c : changes) {
      seen.set(c.keyPayload().path("id").asInt());
    }
    BitSet missing = new BitSet(TOTAL + 1);
    missing.set(1, TOTAL + 1);
    missing.andNot(seen);
    return missing;
  }

  /** Ten-row transactions, retried when the server restarts under them. */
  private static void writeSmall(
      PostgresServer pg, String table, AtomicInteger next, AtomicReference<Throwable> error) {
    while (next.get() <= SMALL_WRITERS_ROWS && error.get() == null) {
      int first = next.get();
      try (Connection c = pg.connect()) {
        c.setAutoCommit(false);
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + table + " VALUES (?, repeat('s', 100))")) {
          while (next.get() <= SMALL_WRITERS_ROWS) {
            first = next.get();
            for (int id = first; id < first + 10; id++) {
              ps.setInt(1, id);
              ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            next.set(first + 10);
          }
        }
      } catch (SQLException e) {
        if (!isConnectionLoss(e)) {
          error.set(e);
        }
      }
    }
  }

  /** Transactions large enough to be streamed before they commit, with a rolled-back part. */
  private static void writeLarge(
      PostgresServer pg, String table, AtomicReference<Throwable> error) {
    int done = 0;
    while (done < LARGE_TXS && error.get() == null) {
      int first = SMALL_WRITERS_ROWS + done * LARGE_TX_ROWS + 1;
      try (Connection c = pg.connect();
          var s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute(
            "INSERT INTO "
                + table
                + " SELECT g, repeat('l', 100) FROM generate_series("
                + first
                + ", "
                + (first + LARGE_TX_ROWS / 2 - 1)
                + ") g");
        s.execute("SAVEPOINT sp");
        s.execute(
            "INSERT INTO " + table + " SELECT -g, 'rolled back' FROM generate_series(1, 1000) g");
        s.execute("ROLLBACK TO SAVEPOINT sp");
        s.execute(
            "INSERT INTO "
                + table
                + " SELECT g, repeat('l', 100) FROM generate_series("
                + (first + LARGE_TX_ROWS / 2)
                + ", "
                + (first + LARGE_TX_ROWS - 1)
                + ") g");
        c.commit();
        done++;
      } catch (SQLException e) {
        if (!isConnectionLoss(e)) {
          error.set(e);
        }
      }
    }
  }

  private static boolean isConnectionLoss(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  private static String slotConfirmedFlush(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
