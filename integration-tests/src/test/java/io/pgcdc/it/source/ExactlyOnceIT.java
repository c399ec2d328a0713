package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a worker with {@code exactly.once.source.support=enabled}, records and offsets are committed
 * in one Kafka transaction and the slot is confirmed only after that commit: a worker killed
 * (SIGKILL) while changes stream leaves no change twice and none missing for a read_committed
 * consumer. Each change is told apart by key and version (inserts at version 0, each update adds
 * one).
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(
    workerProperties = {
      "exactly.once.source.support=enabled",
      // the killed task's open transaction blocks read_committed readers of the offsets topic
      // (the restarted worker's among them) until the broker aborts it
      "producer.transaction.timeout.ms=5000",
      "session.timeout.ms=6000",
      "heartbeat.interval.ms=2000"
    })
class ExactlyOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int TXS = 400;
  private static final int INSERTS_PER_TX = 10;
  private static final int UPDATES_PER_TX = 5;
  private static final int CHANGES = TXS * (INSERTS_PER_TX + UPDATES_PER_TX);

  @Test
  void eachStreamedChangeIsCommittedOnceAcrossAWorkerKill(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String name = pg.uniqueName("eos");
    String table = name + "_t";
    pg.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)");
    String topic = name + ".public." + table;
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer = new Thread(() -> write(pg, table, writerError), name + "-writer");
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("exactly.once.support", "required")
                  .with("max.batch.size", "200"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await("slot pgcdc_" + name, () -> slotExists(pg, "pgcdc_" + name), () -> "no slot");
      writer.start();

      SourceFixture.readUntil(cluster, topic, l -> l.size() >= CHANGES / 3, TIMEOUT, true);
      cluster.worker().kill();
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);

      writer.join();
      assertThat(writerError.get()).isNull();
      List<Change> changes =
          SourceFixture.readUntil(
              cluster, topic, l -> distinct(l).size() >= CHANGES, TIMEOUT, true);
      Map<String, Long> counts = distinct(changes);
      assertThat(counts).as("distinct changes (op/id/version)").hasSize(CHANGES);
      assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).limit(10).toList())
          .as("changes in Kafka more than once")
          .isEmpty();
      assertThat(changes).as("records read committed").hasSize(CHANGES);
    } finally {
      writer.join();
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  private static Map<String, Long> distinct(List<Change> changes) {
    return changes.stream()
        .collect(
            Collectors.groupingBy(
                (Function<Change, String>)
                    c ->
                        c.op()
                            + "/"
                            + c.after().path("id").asInt()
                            + "/"
                            + c.after().path("v").asInt(),
                Collectors.counting()));
  }

  /** Transactions of ten inserts and five updates of earlier rows, small pauses between none. */
  private static void write(PostgresServer pg, String table, AtomicReference<Throwable> error) {
    try (Connection c = pg.connect();
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 0)");
        PreparedStatement update =
            c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
      c.setAutoCommit(false);
      for (int tx = 0; tx < TXS; tx++) {
        for (int i = 1; i <= INSERTS_PER_TX; i++) {
          insert.setInt(1, tx * INSERTS_PER_TX + i);
          insert.addBatch();
        }
        insert.executeBatch();
        for (int i = 1; i <= UPDATES_PER_TX; i++) {
          // rows of this and earlier transactions, some updated more than once
          update.setInt(1, 1 + (tx * 7 + i * 3) % ((tx + 1) * INSERTS_PER_TX));
          update.addBatch();
        }
        update.executeBatch();
        c.commit();
      }
    } catch (SQLException e) {
      error.set(e);
    }
  }

  private static boolean slotExists(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
