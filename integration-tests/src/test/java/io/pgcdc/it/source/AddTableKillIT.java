package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
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
 * copied (or copied again on demand), with a writer on it: the restarted task goes on after the
 * last row its committed offset names (copying again what came after), and its topic replayed still
 * gives the table. Isolated: it kills the shared worker.
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
    AtomicInteger committedKey = new AtomicInteger(-1);
    Workload load = new Workload(pg, a, b);
    try (load) {
      cluster.rest().create(onlyA);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, name + ".public." + a, l -> l.size() >= 10, TIMEOUT);
      load.start();
      cluster.rest().putConfig(onlyA.with("table.include.list", "public." + a + ",public." + b));
      // Killed as soon as a committed offset names how far the copy got (the copy of this table
      // takes longer than the 5 s between offset flushes).
      committedKey.set(AddTableFixture.awaitCommittedCopyKey(cluster, name, TIMEOUT));
      assertThat(AddTableFixture.comment(pg, publication))
          .as("the copy is not committed yet when the worker is killed")
          .isNotNull();

      cluster.worker().kill();
      load.stopHolding();
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the copy of " + b + " to be committed (the publication's comment cleared)",
              () -> AddTableFixture.comment(pg, publication) == null,
              () -> AddTableFixture.comment(pg, publication));
      load.awaitMoreWrites(200, "after the copy");
    }
    try {
      assertThat(load.error()).isNull();
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
   * The same kill during a copy asked for with a signal (through the REST endpoint): the committed
   * offset carries the queue of copies on demand, so the restarted task goes on with it after the
   * last committed row, although it does not read the signal again.
   */
  @Test
  void aCopyOnDemandCutByAWorkerKillGoesOnAfterTheRestart(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String name = pg.uniqueName("addd");
    String a = name + "_a";
    String b = name + "_b";
    AddTableFixture.createTables(pg, a, b, ROWS);
    String topicB = name + ".public." + b;
    ConnectorDefinition source =
        SourceFixture.source(pg, name, "public." + a + ",public." + b)
            .with("signal.enabled", "true");
    AtomicInteger committedKey = new AtomicInteger(-1);
    String endpoint = "/pgcdc/connectors/" + name + "/snapshot";
    Workload load = new Workload(pg, a, b);
    try (load) {
      cluster.rest().create(source);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topicB, l -> l.size() >= ROWS, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the task's first progress through GET " + endpoint,
              () -> cluster.rest().send("GET", endpoint, null).json().path("progress").isObject(),
              () -> cluster.rest().send("GET", endpoint, null).toString());
      load.start();
      ConnectRestClient.Response sent =
          cluster.rest().send("POST", endpoint, Map.of("tables", List.of("public." + b)));
      assertThat(sent.status()).as("%s", sent).isEqualTo(202);
      committedKey.set(AddTableFixture.awaitCommittedCopyKey(cluster, name, TIMEOUT));
      assertThat(AddTableFixture.committedOffset(cluster, name).path("copy_demand").asText())
          .as("the committed offset names the copy on demand")
          .contains(b);

      cluster.worker().kill();
      load.stopHolding();
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the copy on demand of " + b + " to end and be committed",
              () -> {
                JsonNode o = AddTableFixture.committedOffset(cluster, name);
                return o.has("lsn") && !o.has("copy_demand") && !o.has("copy_key");
              },
              () -> AddTableFixture.committedOffset(cluster, name).toString());
      load.awaitMoreWrites(200, "after the copy");
    }
    try {
      assertThat(load.error()).isNull();
      Map<Integer, Integer> expected = AddTableFixture.tableState(pg, b);
      List<Change> changes =
          SourceFixture.readUntil(cluster, topicB, AddTableFixture.rebuildsTo(expected), TIMEOUT);
      List<Integer> copied =
          copied(changes).stream().map(c -> c.keyPayload().path("id").asInt()).toList();
      int k = committedKey.get();
      assertThat(copied)
          .filteredOn(id -> id <= k)
          .as("rows up to key %d, copied before the kill, are not copied again", k)
          .doesNotHaveDuplicates()
          .isNotEmpty();
      assertThat(copied.stream().mapToInt(Integer::intValue).max().orElse(0))
          .as("the copy went on to the end of the table after the restart")
          .isGreaterThan(ROWS - 100);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP FUNCTION IF EXISTS public.\"pgcdc_signal_pgcdc_" + name + "\"(text, text[], text)",
          "DROP TABLE IF EXISTS public.\"pgcdc_signal_key_pgcdc_" + name + "\"",
          "DROP TABLE " + a,
          "DROP TABLE " + b);
    }
  }

  /**
   * The writer on {@code a} and {@code b} ({@link AddTableFixture#write}), and long transactions on
   * {@code b} ({@link #holdWrites}) that pace the copy until {@link #stopHolding}: each chunk waits
   * for them. They stop at the kill, since the writer inserts rows faster than a paced copy reads
   * them. Closing stops both and waits for them.
   */
  private static final class Workload implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean stopHolding = new AtomicBoolean();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final String b;
    private final Thread writer;
    private final Thread slow;

    Workload(PostgresServer pg, String a, String b) {
      this.b = b;
      this.writer =
          new Thread(() -> AddTableFixture.write(pg, a, b, ROWS, stop, writes, error), "writer");
      this.slow =
          new Thread(() -> holdWrites(pg, b, stopHolding, held, error), "long transactions");
    }

    /** Starts both; returns once the first long transaction holds its lock. */
    void start() {
      writer.start();
      slow.start();
      Deadline.in(TIMEOUT)
          .await(
              "the first long transaction on " + b + " to hold its lock",
              () -> held.get() > 0 || error.get() != null,
              () -> "none");
      assertThat(error.get()).isNull();
    }

    void stopHolding() {
      stopHolding.set(true);
    }

    void awaitMoreWrites(int more, String when) {
      int from = writes.get();
      Deadline.in(TIMEOUT)
          .await(
              more + " more writes " + when,
              () -> writes.get() > from + more,
              () -> writes.get() + " writes");
    }

    Throwable error() {
      return error.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      stopHolding.set(true);
      if (writer.isAlive()) {
        writer.join();
      }
      if (slow.isAlive()) {
        slow.join();
      }
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
