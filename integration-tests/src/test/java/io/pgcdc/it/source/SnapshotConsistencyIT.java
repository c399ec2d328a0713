package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The snapshot reads exactly the state at the slot's consistent point and the stream starts there:
 * with writes going on while the snapshot runs, snapshot plus stream rebuild the final table, and
 * no change arrives twice or goes missing.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SnapshotConsistencyIT {
  /**
   * Generous: on a loaded machine (load average 20 in a full run beside other builds) reading the
   * 30,000 snapshot records back took over two minutes, with nothing missing.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(300);

  private static final int ROWS = 30_000;

  /**
   * Transactions the writer commits while the snapshot runs, at most: on a loaded machine a slow
   * snapshot would otherwise let an unthrottled writer pile up more changes than the stream can
   * deliver within the timeout.
   */
  private static final int WRITES_DURING_SNAPSHOT = 3_000;

  @Test
  void snapshotPlusStreamEqualsFinalTableWithConcurrentWrites(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("snap");
    String table = name + "_t";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
    String topic = name + ".public." + table;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    CountDownLatch snapshotDone = new CountDownLatch(1);
    Thread writer =
        new Thread(() -> write(pg, table, stop, snapshotDone, writes, writerError), "writer");
    writer.start();
    try {
      cluster.rest().create(SourceFixture.source(pg, name, "public." + table));
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(
          cluster,
          topic,
          l ->
              l.stream()
                  .anyMatch(
                      c -> !c.tombstone() && "last".equals(c.source().path("snapshot").asText())),
          TIMEOUT);
      int atSnapshotEnd = writes.get();
      snapshotDone.countDown();
      io.pgcdc.it.kafka.Deadline.in(TIMEOUT)
          .await(
              "200 more writes after the snapshot",
              () -> writes.get() > atSnapshotEnd + 200,
              () -> writes.get() + " writes");
    } finally {
      stop.set(true);
      snapshotDone.countDown();
      writer.join();
    }
    try {
      assertThat(writerError.get()).isNull();
      Map<Integer, Integer> expected = tableState(pg, table);
      List<Change> changes =
          SourceFixture.readUntil(cluster, topic, l -> rebuild(l).equals(expected), TIMEOUT);

      Map<Integer, List<Change>> byKey = new HashMap<>();
      for (Change c : changes) {
        byKey.computeIfAbsent(c.keyPayload().path("id").asInt(), k -> new ArrayList<>()).add(c);
      }
      long streamed = changes.stream().filter(c -> !c.tombstone() && !c.op().equals("r")).count();
      assertThat(streamed).as("changes streamed after the snapshot").isGreaterThan(200);
      for (Map.Entry<Integer, List<Change>> e : byKey.entrySet()) {
        assertOneHistory(e.getKey(), e.getValue());
      }
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  @Test
  void snapshotInterruptedByRestartsCopiesTheRestAndLosesNothing(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("snaprs");
    String table = name + "_t";
    int rows = 20_000;
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, " + rows + ") g");
    String topic = name + ".public." + table;
    try {
      cluster
          .rest()
          .create(SourceFixture.source(pg, name, "public." + table).with("max.batch.size", "200"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topic, l -> l.size() >= 1, TIMEOUT);
      cluster.rest().restart(name);
      cluster.rest().awaitRunning(name, TIMEOUT);
      pg.execute(
          "UPDATE " + table + " SET v = 1 WHERE id = 1", "DELETE FROM " + table + " WHERE id = 2");

      Map<Integer, Integer> expected = tableState(pg, table);
      List<Change> changes =
          SourceFixture.readUntil(cluster, topic, l -> rebuild(l).equals(expected), TIMEOUT);

      assertThat(changes)
          .filteredOn(c -> !c.tombstone() && "last".equals(c.source().path("snapshot").asText()))
          .as("the snapshot completed once")
          .hasSize(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  @Test
  void initialOnlyCopiesTheRowsAndNeitherCreatesASlotNorStreams(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("only");
    String table = name + "_t";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 100) g");
    String topic = name + ".public." + table;
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("snapshot.mode", "initial_only"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      List<Change> snapshot =
          SourceFixture.readUntil(cluster, topic, l -> l.size() >= 100, TIMEOUT);
      assertThat(snapshot).allMatch(c -> c.op().equals("r"));
      assertThat(rebuild(snapshot)).isEqualTo(tableState(pg, table));
      try (Connection c = pg.connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pgcdc_"
                      + name
                      + "'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("slots").isZero();
      }
    } finally {
      cluster.rest().delete(name);
      pg.execute("DROP TABLE " + table);
    }
  }

  /**
   * One key's records: a snapshot read or an insert first (never both), then updates that each
   * raise v by exactly one (a repeated or missing update breaks the chain), then maybe a delete.
   */
  private static void assertOneHistory(int id, List<Change> history) {
    Integer v = null;
    boolean deleted = false;
    for (Change c : history) {
      if (c.tombstone()) {
        assertThat(deleted).as("tombstone of %d follows its delete", id).isTrue();
        continue;
      }
      assertThat(deleted).as("record of %d after its delete: %s", id, c.op()).isFalse();
      switch (c.op()) {
        case "r", "c" -> {
          assertThat(v).as("%d read or inserted twice (%s)", id, history.size()).isNull();
          v = c.after().path("v").asInt();
        }
        case "u" -> {
          assertThat(v).as("update of %d before its row", id).isNotNull();
          assertThat(c.after().path("v").asInt()).as("update chain of %d", id).isEqualTo(v + 1);
          v = v + 1;
        }
        case "d" -> deleted = true;
        default -> throw new AssertionError("unexpected op " + c.op());
      }
    }
  }

  private static Map<Integer, Integer> rebuild(List<Change> changes) {
    Map<Integer, Integer> state = new HashMap<>();
    for (Change c : changes) {
      if (c.tombstone()) {
        continue;
      }
      int id = c.keyPayload().path("id").asInt();
      if (c.op().equals("d")) {
        state.remove(id);
      } else {
        state.put(id, c.after().path("v").asInt());
      }
    }
    return state;
  }

  private static Map<Integer, Integer> tableState(PostgresServer pg, String table)
      throws SQLException {
    Map<Integer, Integer> state = new HashMap<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
      while (rs.next()) {
        state.put(rs.getInt(1), rs.getInt(2));
      }
    }
    return state;
  }

  /**
   * Small transactions of inserts (new ids), updates (v = v + 1) and deletes until stopped; after
   * {@link #WRITES_DURING_SNAPSHOT} of them, waits for {@code snapshotDone} before going on.
   */
  private static void write(
      PostgresServer pg,
      String table,
      AtomicBoolean stop,
      CountDownLatch snapshotDone,
      AtomicInteger writes,
      AtomicReference<Throwable> error) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int nextId = ROWS + 1;
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (!stop.get()) {
        int statements = 1 + random.nextInt(4);
        for (int i = 0; i < statements; i++) {
          int op = random.nextInt(10);
          if (op < 3) {
            s.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 0)");
          } else if (op < 9) {
            s.execute(
                "UPDATE " + table + " SET v = v + 1 WHERE id = " + (1 + random.nextInt(nextId)));
          } else {
            s.execute("DELETE FROM " + table + " WHERE id = " + (1 + random.nextInt(nextId)));
          }
        }
        c.commit();
        if (writes.incrementAndGet() == WRITES_DURING_SNAPSHOT) {
          snapshotDone.await();
        }
      }
    } catch (SQLException | RuntimeException e) {
      error.set(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error.set(e);
    }
  }
}
