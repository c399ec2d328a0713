package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Key changes that leave a TOASTed column alone, made all the time by a concurrent writer (with
 * updates, inserts and deletes between them) into a table with {@code REPLICA IDENTITY DEFAULT} and
 * one with {@code FULL}, while the Connect worker is SIGKILLed three times: the delete and the
 * create of a key change land in different sink batches, and records are written again after each
 * kill. The copies end up equal to the tables, every large value in place.
 *
 * <p>The class has a worker of its own (it kills it).
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(workerProperties = {"session.timeout.ms=6000", "heartbeat.interval.ms=2000"})
class KeyMoveFaultIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int INITIAL_ROWS = 200;
  private static final int KILLS = 3;

  @Test
  void keyChangesUnderKillsKeepEveryToastValue(ConnectCluster cluster, PostgresServer pg) {
    try (Pipeline p = new Pipeline(cluster, pg, "keymove_ft");
        Admin admin = admin(cluster)) {
      String byKey = p.table(p.name + "_d");
      String full = p.table(p.name + "_f");
      create(pg, byKey, "DEFAULT");
      create(pg, full, "FULL");
      p.createTopics(byKey, full);
      p.start(p.source(byKey, full), TIMEOUT);
      p.start(p.sink(byKey, full).with("consumer.override.max.poll.records", "50"), TIMEOUT);
      p.awaitCopyEqual(byKey, TIMEOUT);
      p.awaitCopyEqual(full, TIMEOUT);

      TopicPartition watched = new TopicPartition(p.topic(byKey), 0);
      Writer writer = new Writer(pg, List.of(byKey, full), INITIAL_ROWS);
      try (writer) {
        writer.start();
        for (int kill = 0; kill < KILLS; kill++) {
          awaitGrowth(admin, watched, ThreadLocalRandom.current().nextInt(300, 1_200));
          cluster.worker().kill();
          cluster.worker().restart(TIMEOUT);
        }
        awaitGrowth(admin, watched, 300);
      }
      assertThat(writer.moves()).as("key changes made").isGreaterThan(100);

      cluster.rest().awaitRunning(p.sourceName(), TIMEOUT);
      cluster.rest().awaitRunning(p.sinkName(), TIMEOUT);
      p.awaitCopyEqual(byKey, Duration.ofSeconds(180));
      p.awaitCopyEqual(full, Duration.ofSeconds(180));
    }
  }

  private static void create(PostgresServer pg, String table, String identity) {
    String t = "public." + table;
    pg.execute(
        "CREATE TABLE " + t + " (id bigint PRIMARY KEY, v bigint NOT NULL, big text)",
        "ALTER TABLE " + t + " ALTER COLUMN big SET STORAGE EXTERNAL",
        "ALTER TABLE " + t + " REPLICA IDENTITY " + identity,
        "INSERT INTO "
            + t
            + " SELECT i, 0, "
            + KeyMoveIT.bigValue("i")
            + " FROM generate_series(1, "
            + INITIAL_ROWS
            + ") i");
  }

  /** Waits until the topic has {@code records} more records than now. */
  private static void awaitGrowth(Admin admin, TopicPartition partition, long records) {
    long target = TopicReader.endOffset(admin, partition) + records;
    Deadline.in(TIMEOUT)
        .await(
            partition + " to reach offset " + target,
            () -> TopicReader.endOffset(admin, partition) >= target,
            () -> "at " + TopicReader.endOffset(admin, partition));
  }

  private static Admin admin(ConnectCluster cluster) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    return Admin.create(props);
  }

  /**
   * Changes the tables on a thread of its own, in small transactions: mostly key changes ({@code
   * SET id = <new id>}) and updates of {@code v}, which leave {@code big} alone; now and then a new
   * {@code big}, an insert or a delete. Ids are never reused.
   */
  private static final class Writer implements AutoCloseable {
    /** Pace of the transactions: a load schedule, not a wait for anything. */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final PostgresServer pg;
    private final List<String> tables;
    private final Map<String, List<Long>> live = new HashMap<>();
    private final AtomicLong moves = new AtomicLong();
    private final Thread thread = new Thread(this::run, "key-move-writer");
    private volatile boolean stop;
    private volatile Throwable error;
    private long nextId;

    Writer(PostgresServer pg, List<String> tables, int existingRows) {
      this.pg = pg;
      this.tables = tables;
      for (String table : tables) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= existingRows; id++) {
          ids.add(id);
        }
        live.put(table, ids);
      }
      nextId = existingRows + 1;
    }

    void start() {
      thread.start();
    }

    long moves() {
      return moves.get();
    }

    private void run() {
      try (Connection c = pg.connect()) {
        c.setAutoCommit(false);
        while (!stop) {
          transaction(c);
          LockSupport.parkNanos(PAUSE_NANOS);
        }
      } catch (Throwable t) {
        error = t;
      }
    }

    private void transaction(Connection c) throws SQLException {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String table = tables.get(random.nextInt(tables.size()));
      String t = "public." + table;
      List<Long> ids = new ArrayList<>(live.get(table));
      int madeMoves = 0;
      for (int op = 1 + random.nextInt(4); op > 0; op--) {
        int dice = random.nextInt(10);
        if (ids.size() < 20 || dice == 0) {
          long id = nextId++;
          update(c, "INSERT INTO " + t + " VALUES (?, 0, " + KeyMoveIT.bigValue("?") + ")", id, id);
          ids.add(id);
          continue;
        }
        int index = random.nextInt(ids.size());
        long id = ids.get(index);
        if (dice < 5) {
          long to = nextId++;
          update(c, "UPDATE " + t + " SET id = ? WHERE id = ?", to, id);
          ids.set(index, to);
          madeMoves++;
        } else if (dice < 8) {
          update(c, "UPDATE " + t + " SET v = v + 1 WHERE id = ?", id);
        } else if (dice < 9) {
          update(
              c,
              "UPDATE " + t + " SET big = " + KeyMoveIT.bigValue("?") + " WHERE id = ?",
              -id,
              id);
        } else {
          update(c, "DELETE FROM " + t + " WHERE id = ?", id);
          ids.remove(index);
        }
      }
      c.commit();
      live.put(table, ids);
      moves.addAndGet(madeMoves);
    }

    private static void update(Connection c, String sql, long... params) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setLong(i + 1, params[i]);
        }
        ps.executeUpdate();
      }
    }

    /** Stops after the current transaction; throws what made the writer fail, if anything. */
    @Override
    public void close() {
      stop = true;
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the writer", e);
      }
      if (error != null) {
        throw new AssertionError("the key move writer failed", error);
      }
    }
  }
}
