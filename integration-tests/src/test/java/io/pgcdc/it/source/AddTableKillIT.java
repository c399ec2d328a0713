package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The worker is killed (SIGKILL, offsets not flushed) while a table added to the running source is
 * copied, with a writer on it: the restarted task goes on after the last row its committed offset
 * names (copying again what came after), and its topic replayed still gives the table. Isolated: it
 * kills the shared worker.
 */
@Isolated
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class AddTableKillIT {
  /** Generous: load averages of 20 to 40 are seen on this machine in full runs. */
  private static final Duration TIMEOUT = Duration.ofSeconds(300);

  private static final int ROWS = 100_000;

  @Test
  void aCopyCutByAWorkerKillIsDoneAgainAndTheTopicStillGivesTheTable(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("addk");
    String a = name + "_a";
    String b = name + "_b";
    AddTableFixture.createTables(pg, a, b, ROWS);
    String topicB = name + ".public." + b;
    String publication = "pgcdc_" + name;
    ConnectorDefinition onlyA = SourceFixture.source(pg, name, "public." + a);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    AtomicInteger committedKey = new AtomicInteger(-1);
    Thread writer =
        new Thread(
            () -> AddTableFixture.write(pg, a, b, ROWS, stop, writes, writerError), "writer");
    AtomicInteger held = new AtomicInteger();
    // Long transactions pace the copy until the kill: each chunk waits for them. They stop then:
    // the writer inserts rows faster than a paced copy reads them.
    AtomicBoolean stopHolding = new AtomicBoolean();
    Thread slow =
        new Thread(() -> holdWrites(pg, b, stopHolding, held, writerError), "long transactions");
    try {
      cluster.rest().create(onlyA);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, name + ".public." + a, l -> l.size() >= 10, TIMEOUT);
      writer.start();
      slow.start();
      Deadline.in(TIMEOUT)
          .await(
              "the first long transaction on " + b + " to hold its lock",
              () -> held.get() > 0 || writerError.get() != null,
              () -> "none");
      assertThat(writerError.get()).isNull();
      cluster.rest().putConfig(onlyA.with("table.include.list", "public." + a + ",public." + b));
      // Killed as soon as a committed offset names how far the copy got (offsets are flushed every
      // 5 s; the copy of this table takes longer).
      Deadline.in(TIMEOUT)
          .await(
              "a committed offset that names how far the copy got",
              () -> {
                committedKey.set(AddTableFixture.committedCopyKey(cluster, name));
                return committedKey.get() > 0;
              },
              () -> "none yet");
      assertThat(AddTableFixture.comment(pg, publication))
          .as("the copy is not committed yet when the worker is killed")
          .isNotNull();

      cluster.worker().kill();
      stopHolding.set(true);
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the copy of " + b + " to be committed (the publication's comment cleared)",
              () -> AddTableFixture.comment(pg, publication) == null,
              () -> AddTableFixture.comment(pg, publication));
      int atCopyEnd = writes.get();
      Deadline.in(TIMEOUT)
          .await(
              "200 more writes after the copy",
              () -> writes.get() > atCopyEnd + 200,
              () -> writes.get() + " writes");
    } finally {
      stop.set(true);
      stopHolding.set(true);
      if (writer.isAlive()) {
        writer.join();
      }
      if (slow.isAlive()) {
        slow.join();
      }
    }
    try {
      assertThat(writerError.get()).isNull();
      Map<Integer, Integer> expected = AddTableFixture.tableState(pg, b);
      List<Change> changes =
          SourceFixture.readUntil(cluster, topicB, AddTableFixture.rebuildsTo(expected), TIMEOUT);
      assertThat(copied(changes))
          .as("rows copied (some twice: those after the last committed row)")
          .hasSizeGreaterThan(ROWS / 2);
      int k = committedKey.get();
      assertThat(copied(changes).stream().map(c -> c.keyPayload().path("id").asInt()))
          .filteredOn(id -> id <= k)
          .as(
              "rows up to key %d, whose copy was committed before the kill, are not copied again",
              k)
          .doesNotHaveDuplicates()
          .isNotEmpty();
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + a, "DROP TABLE " + b);
    }
  }

  /**
   * Until stopped: transactions on {@code table} that stay open for 6 s each (an update, then
   * {@code pg_sleep} on the server). Each chunk of the copy waits for the writers it finds at its
   * low watermark, so the copy (a few seconds otherwise) outlasts the 5 s offset flush interval: a
   * committed offset names how far it got before it ends. A workload, not a wait in the test.
   */
  private static void holdWrites(
      PostgresServer pg,
      String table,
      AtomicBoolean stop,
      AtomicInteger held,
      AtomicReference<Throwable> error) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (!stop.get()) {
        s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = 1");
        held.incrementAndGet();
        s.execute("SELECT pg_sleep(6)");
        c.commit();
      }
    } catch (SQLException | RuntimeException e) {
      error.set(e);
    }
  }

  private static List<Change> copied(List<Change> changes) {
    return changes.stream()
        .filter(c -> !c.tombstone() && "incremental".equals(c.source().path("snapshot").asText()))
        .toList();
  }
}
