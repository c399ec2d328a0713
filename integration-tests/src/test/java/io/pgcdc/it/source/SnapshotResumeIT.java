package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker killed (SIGKILL) in the middle of a parallel snapshot of a table split into ranges,
 * while a writer updates, deletes, inserts and re-keys rows: the restarted task copies only the
 * ranges not complete in the committed offset, at a new snapshot, then streams from the slot's
 * consistent point. The table rebuilt from Kafka (last record per key wins, deletes and tombstones
 * remove) equals the table, compared in SQL.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(
    workerProperties = {
      "session.timeout.ms=6000",
      "heartbeat.interval.ms=2000",
      "offset.flush.interval.ms=500"
    })
class SnapshotResumeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int ROWS = 60_000;
  private static final int REKEY = 10_000_000;

  /**
   * The writer's transactions, at most: enough to span the kill and the resumed snapshot, bounded
   * so that a slow (loaded) machine does not pile up more changes than the timeout can stream.
   */
  private static final int WRITES = 5_000;

  private static final Pattern RESUMED =
      Pattern.compile("Snapshot of (\\S+) resumes: ranges (\\S*) of (\\d+) are complete");

  @Test
  void killedMidSnapshotResumesUnfinishedRangesAndEndsExact(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("snapresume");
    String table = name + "_t";
    String copy = name + "_copy";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL)",
        "INSERT INTO "
            + table
            + " SELECT g, 0, repeat(md5(g::text), 2) FROM generate_series(1, "
            + ROWS
            + ") g",
        "VACUUM ANALYZE " + table,
        "CREATE TABLE " + copy + " (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL)");
    String topic = name + ".public." + table;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer = new Thread(() -> write(pg, table, stop, writerError), name + "-writer");
    Path workerLog = cluster.worker().process().logFile();
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("snapshot.max.threads", "2")
                  .with("max.batch.size", "1000")
                  // Connect's producer defaults cap a source at a few thousand records/s
                  .with("producer.override.batch.size", "1048576")
                  .with("producer.override.linger.ms", "10"));
      writer.start();
      // Kill once a committed offset marks a range complete: mid-snapshot, with ranges to skip.
      Deadline.in(TIMEOUT)
          .await(
              "a committed offset with a complete snapshot range",
              () -> !committedOffset(cluster, name).path("snapshot_done").asText("").isEmpty(),
              () -> "offset " + committedOffset(cluster, name));
      cluster.worker().kill();
      long logBefore = LogFiles.size(workerLog);
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topic, l -> resumed(workerLog, logBefore) != null, TIMEOUT);
      stop.set(true);
      writer.join();
      assertThat(writerError.get()).isNull();

      Matcher m = resumed(workerLog, logBefore);
      assertThat(m.group(1)).isEqualTo("public." + table);
      assertThat(m.group(2)).as("ranges complete before the kill, not copied again").isNotEmpty();
      assertThat(Integer.parseInt(m.group(3))).as("ranges").isGreaterThan(2);

      Map<Integer, JsonNode> expected = tableRows(pg, table);
      Rebuilt rebuilt = new Rebuilt();
      // Reading ~65,000 records with their schemas took over 3 minutes in loaded full runs (load
      // average 50 to 74), while the worker had sent them all a minute after the restart.
      SourceFixture.readUntil(
          cluster, topic, l -> rebuilt.catchUp(l).equals(expected), TIMEOUT.multipliedBy(5));
      writeCopy(pg, copy, rebuilt.rows);
      assertThat(
              count(
                  pg,
                  "SELECT count(*) FROM ((TABLE "
                      + table
                      + " EXCEPT TABLE "
                      + copy
                      + ") UNION ALL (TABLE "
                      + copy
                      + " EXCEPT TABLE "
                      + table
                      + ")) d"))
          .as("rows that differ between the table and its copy rebuilt from Kafka")
          .isZero();
      assertThat(rebuilt.rows).hasSize(expected.size());
      // Rows of the ranges interrupted by the kill are copied again, and counted once.
      assertThat(LogFiles.since(workerLog, logBefore))
          .containsPattern(
              "Snapshot of public\\."
                  + table
                  + ": \\d+ rows \\(\\d+ of them copied before the restart\\) in \\d+ ranges");
    } finally {
      stop.set(true);
      writer.join();
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table, "DROP TABLE " + copy);
    }
  }

  /** The connector's committed source offset (GET /connectors/NAME/offsets), or a missing node. */
  private static JsonNode committedOffset(ConnectCluster cluster, String name) {
    ConnectRestClient.Response r =
        cluster.rest().send("GET", "/connectors/" + name + "/offsets", null);
    return r.ok()
        ? r.json().path("offsets").path(0).path("offset")
        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static long count(PostgresServer pg, String sql) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The topic replayed: the last record per key wins, a delete or tombstone removes the key; fed
   * the records read so far, it applies those it has not seen.
   */
  private static final class Rebuilt {
    final Map<Integer, JsonNode> rows = new HashMap<>();
    private int applied;

    Map<Integer, JsonNode> catchUp(List<Change> changes) {
      for (; applied < changes.size(); applied++) {
        Change c = changes.get(applied);
        int id = c.keyPayload().path("id").asInt();
        if (c.tombstone() || "d".equals(c.op())) {
          rows.remove(id);
        } else {
          rows.put(id, c.after());
        }
      }
      return rows;
    }
  }

  private static Map<Integer, JsonNode> tableRows(PostgresServer pg, String table)
      throws SQLException {
    Map<Integer, JsonNode> rows = new HashMap<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v, pad FROM " + table)) {
      while (rs.next()) {
        rows.put(
            rs.getInt(1),
            SourceFixture.JSON
                .createObjectNode()
                .put("id", rs.getInt(1))
                .put("v", rs.getInt(2))
                .put("pad", rs.getString(3)));
      }
    }
    return rows;
  }

  private static void writeCopy(PostgresServer pg, String copy, Map<Integer, JsonNode> rows)
      throws SQLException {
    try (Connection c = pg.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + copy + " VALUES (?, ?, ?)")) {
      c.setAutoCommit(false);
      for (JsonNode row : rows.values()) {
        ps.setInt(1, row.path("id").asInt());
        ps.setInt(2, row.path("v").asInt());
        ps.setString(3, row.path("pad").asText());
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    }
  }

  /** The worker log's line that says the snapshot resumed, written after {@code from}. */
  private static Matcher resumed(Path log, long from) {
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      byte[] bytes = new byte[(int) Math.max(0, in.length() - from)];
      in.seek(from);
      in.readFully(bytes);
      Matcher m = RESUMED.matcher(new String(bytes, StandardCharsets.UTF_8));
      return m.find() ? m : null;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log, e);
    }
  }

  /**
   * Small transactions until stopped or {@link #WRITES} are committed: updates, deletes, inserts of
   * new keys and key changes, spread over the whole table (so over every range).
   */
  private static void write(
      PostgresServer pg, String table, AtomicBoolean stop, AtomicReference<Throwable> error) {
    SplittableRandom random = new SplittableRandom(42);
    int nextId = ROWS + 1;
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int t = 0; t < WRITES && !stop.get(); t++) {
        for (int i = 0; i < 10; i++) {
          int id = random.nextInt(1, ROWS + 1);
          switch (random.nextInt(4)) {
            case 0 -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
            case 1 -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
            case 2 -> s.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 1, 'new')");
            default ->
                s.execute(
                    "UPDATE "
                        + table
                        + " SET id = id + "
                        + REKEY
                        + ", v = v + 1 WHERE id = "
                        + id
                        + " AND id < "
                        + REKEY);
          }
        }
        c.commit();
      }
    } catch (SQLException e) {
      error.set(e);
    }
  }
}
