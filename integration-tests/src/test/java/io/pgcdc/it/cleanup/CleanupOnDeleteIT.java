package io.pgcdc.it.cleanup;

import static io.pgcdc.it.cleanup.CleanupFixtures.TIMEOUT;
import static io.pgcdc.it.cleanup.CleanupFixtures.awaitSlotActive;
import static io.pgcdc.it.cleanup.CleanupFixtures.awaitSlotInactive;
import static io.pgcdc.it.cleanup.CleanupFixtures.awaitState;
import static io.pgcdc.it.cleanup.CleanupFixtures.backendExists;
import static io.pgcdc.it.cleanup.CleanupFixtures.createTable;
import static io.pgcdc.it.cleanup.CleanupFixtures.ok;
import static io.pgcdc.it.cleanup.CleanupFixtures.publicationExists;
import static io.pgcdc.it.cleanup.CleanupFixtures.slot;
import static io.pgcdc.it.cleanup.CleanupFixtures.slotExists;
import static io.pgcdc.it.cleanup.CleanupFixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectWorker;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.KafkaSettings;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * The plugin's REST extension (enabled in config/connect-distributed.properties) drops a source's
 * slot and publication when the connector is deleted or its offsets are reset, and only then:
 * pause, resume, restarts, a rebalance and a worker restart keep them. Its own cluster: one test
 * restarts the worker.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
// One test stops a second worker: by default the leader then holds back every assignment for
// scheduled.rebalance.max.delay.ms (5 min) in case the worker returns, and connectors created
// meanwhile by the next tests are not started (seen in CI: delay=300000, no status for a minute).
@OwnConnectCluster(workerProperties = {"scheduled.rebalance.max.delay.ms=0"})
class CleanupOnDeleteIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void deletingTheConnectorDropsItsSlotAndPublication(PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_delete");
    createTable(pg, name);
    cluster.rest().create(source(pg, name));
    cluster.rest().awaitRunning(name, TIMEOUT);
    awaitSlotActive(pg, slot(name));
    assertThat(publicationExists(pg, slot(name))).isTrue();

    assertThat(cluster.rest().delete(name)).isTrue();

    // The extension drops both before the DELETE answers.
    assertThat(slotExists(pg, slot(name))).as("slot after DELETE").isFalse();
    assertThat(publicationExists(pg, slot(name))).as("publication after DELETE").isFalse();
    assertThat(cluster.rest().connectors()).doesNotContain(name);
    pg.execute("DROP TABLE " + name);
  }

  @Test
  void resettingTheOffsetsOfTheStoppedConnectorDropsThemAndResumingStartsOver(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_reset");
    createTable(pg, name);
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(source(pg, name));
      rest.awaitRunning(name, TIMEOUT);
      List<JsonNode> first = records(cluster, name, 1);
      assertThat(first.get(0).path("op").asText()).isEqualTo("r");

      ok(rest.send("PUT", "connectors/" + name + "/stop", null));
      awaitState(rest, name, "STOPPED");
      awaitSlotInactive(pg, slot(name));
      assertThat(slotExists(pg, slot(name))).as("slot of the stopped connector").isTrue();

      resetOffsets(rest, name);

      assertThat(slotExists(pg, slot(name))).as("slot after the reset").isFalse();
      assertThat(publicationExists(pg, slot(name))).as("publication after the reset").isFalse();

      ok(rest.send("PUT", "connectors/" + name + "/resume", null));
      rest.awaitRunning(name, TIMEOUT);
      List<JsonNode> again = records(cluster, name, 2);
      assertThat(again.get(1).path("op").asText()).as("a new snapshot").isEqualTo("r");
      assertThat(again.get(1).path("after").path("id").asInt()).isEqualTo(1);
      awaitSlotActive(pg, slot(name));
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + name);
    }
    assertThat(slotExists(pg, slot(name))).isFalse();
  }

  @Test
  void pauseResumeRestartsAndARebalanceKeepThemAndStreamingGoesOn(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_keep");
    String other = pg.uniqueName("cleanup_other");
    createTable(pg, name);
    createTable(pg, other);
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(source(pg, name));
      rest.awaitRunning(name, TIMEOUT);
      records(cluster, name, 1);

      ok(rest.send("PUT", "connectors/" + name + "/pause", null));
      awaitState(rest, name, "PAUSED");
      ok(rest.send("PUT", "connectors/" + name + "/resume", null));
      rest.awaitRunning(name, TIMEOUT);
      rest.restart(name);
      rest.awaitRunning(name, TIMEOUT);
      ok(rest.send("POST", "connectors/" + name + "/tasks/0/restart", null));
      rest.awaitRunning(name, TIMEOUT);
      // Another connector comes and goes: two rebalances, and its delete drops only its own slot.
      rest.create(source(pg, other));
      rest.awaitRunning(other, TIMEOUT);
      awaitSlotActive(pg, slot(other));
      rest.delete(other);
      assertThat(slotExists(pg, slot(other))).as("the other connector's slot").isFalse();

      assertThat(slotExists(pg, slot(name))).isTrue();
      assertThat(publicationExists(pg, slot(name))).isTrue();
      pg.execute("INSERT INTO " + name + " VALUES (2, 'after pause, restarts and a rebalance')");
      List<JsonNode> changes = records(cluster, name, 2);
      assertThat(changes.get(1).path("op").asText()).isEqualTo("c");
      assertThat(changes.get(1).path("after").path("id").asInt()).isEqualTo(2);
    } finally {
      rest.delete(other);
      rest.delete(name);
      pg.execute("DROP TABLE " + name, "DROP TABLE " + other);
    }
    assertThat(slotExists(pg, slot(name))).isFalse();
  }

  @Test
  void aWorkerRestartKeepsThemAndTheRestartedWorkerStillCleansUp(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_worker");
    createTable(pg, name);
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(source(pg, name));
      rest.awaitRunning(name, TIMEOUT);
      records(cluster, name, 1);

      cluster.worker().close(); // a graceful stop: tasks stop, the REST extension closes
      awaitSlotInactive(pg, slot(name));
      cluster.worker().restart(Duration.ofMinutes(2));
      rest.awaitRunning(name, TIMEOUT);

      assertThat(slotExists(pg, slot(name))).isTrue();
      assertThat(publicationExists(pg, slot(name))).isTrue();
      pg.execute("INSERT INTO " + name + " VALUES (2, 'after the worker restart')");
      List<JsonNode> changes = records(cluster, name, 2);
      assertThat(changes.get(1).path("after").path("id").asInt()).isEqualTo(2);
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + name);
    }
    assertThat(slotExists(pg, slot(name))).as("slot deleted through the new worker").isFalse();
    assertThat(publicationExists(pg, slot(name))).isFalse();
  }

  @Test
  void cleanupOnDeleteFalseKeepsThem(PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_off");
    createTable(pg, name);
    Path log = cluster.worker().process().logFile();
    long logOffset = LogFiles.size(log);
    try {
      cluster.rest().create(source(pg, name).with("cleanup.on.delete", "false"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      awaitSlotActive(pg, slot(name));

      cluster.rest().delete(name);

      awaitSlotInactive(pg, slot(name));
      assertThat(slotExists(pg, slot(name))).isTrue();
      assertThat(publicationExists(pg, slot(name))).isTrue();
      assertThat(LogFiles.since(log, logOffset))
          .as("the worker log says why they are kept")
          .contains(
              "Connector "
                  + name
                  + " has cleanup.on.delete=false: its slot "
                  + slot(name)
                  + " and publication "
                  + slot(name)
                  + " are kept");
    } finally {
      pg.execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
              + " WHERE slot_name = '"
              + slot(name)
              + "'",
          "DROP PUBLICATION IF EXISTS " + slot(name),
          "DROP TABLE " + name);
    }
  }

  @Test
  void aSlotStillReadAtDeleteTimeIsTakenFromItsReaderAndDropped(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("cleanup_active");
    createTable(pg, name);
    cluster.rest().create(source(pg, name));
    cluster.rest().awaitRunning(name, TIMEOUT);
    records(cluster, name, 1);
    ok(cluster.rest().send("PUT", "connectors/" + name + "/stop", null));
    awaitState(cluster.rest(), name, "STOPPED");
    awaitSlotInactive(pg, slot(name));

    // A reader that never lets go, as a task that does not stop in time would.
    Connection reader = pg.replicationConnection("cleanup-it-reader");
    try {
      PGReplicationStream stream =
          reader
              .unwrap(PGConnection.class)
              .getReplicationAPI()
              .replicationStream()
              .logical()
              .withSlotName(slot(name))
              .withSlotOption("proto_version", 1)
              .withSlotOption("publication_names", slot(name))
              .start();
      int readerPid = reader.unwrap(PGConnection.class).getBackendPID();
      awaitSlotActive(pg, slot(name));
      assertThat(stream.isClosed()).isFalse();

      assertThat(cluster.rest().delete(name)).isTrue();

      assertThat(slotExists(pg, slot(name))).as("slot after DELETE").isFalse();
      assertThat(publicationExists(pg, slot(name))).as("publication after DELETE").isFalse();
      Deadline.in(TIMEOUT)
          .await(
              "backend " + readerPid + " to be terminated",
              () -> !backendExists(pg, readerPid),
              () -> "it is still in pg_stat_activity");
    } finally {
      closeTerminated(reader);
      pg.execute("DROP TABLE " + name);
    }
  }

  /**
   * Closes a connection whose backend was terminated: that close may fail with the connection's
   * loss (08006) or the termination (57P01), which is what the test caused; anything else fails.
   */
  private static void closeTerminated(Connection c) throws SQLException {
    try {
      c.close();
    } catch (SQLException e) {
      if (!"08006".equals(e.getSQLState()) && !"57P01".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  @Test
  void aNewConnectorUnderTheSameNameStartsOverAfterAnOffsetsReset(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("cleanup_again");
    createTable(pg, name);
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(source(pg, name));
      rest.awaitRunning(name, TIMEOUT);
      records(cluster, name, 1);
      pg.execute("INSERT INTO " + name + " VALUES (2, 'streamed')");
      records(cluster, name, 2);
      Deadline.in(TIMEOUT)
          .await(
              "a streaming offset to be committed",
              () -> {
                JsonNode offsets = rest.send("GET", "connectors/" + name + "/offsets", null).json();
                JsonNode offset = offsets.path("offsets").path(0).path("offset");
                return offset.has("lsn") && !offset.has("snapshot");
              },
              () -> rest.send("GET", "connectors/" + name + "/offsets", null).body());
      assertThat(rest.delete(name)).isTrue();
      assertThat(slotExists(pg, slot(name))).isFalse();

      // Connect kept the offsets: the new connector would stream from a slot that is gone.
      rest.create(source(pg, name));
      assertThat(rest.awaitFailed(name, TIMEOUT).traces())
          .contains("Replication slot " + slot(name) + " does not exist")
          .contains("reset its offsets");
      assertThat(rest.delete(name)).isTrue();

      // docs/operations.md: create it stopped, reset its offsets, resume it.
      ok(
          rest.send(
              "POST",
              "connectors",
              Map.of(
                  "name", name, "config", source(pg, name).config(), "initial_state", "STOPPED")));
      awaitState(rest, name, "STOPPED");
      resetOffsets(rest, name);
      ok(rest.send("PUT", "connectors/" + name + "/resume", null));
      rest.awaitRunning(name, TIMEOUT);

      List<JsonNode> changes = records(cluster, name, 4);
      assertThat(changes.subList(2, 4))
          .as("a new snapshot of both rows")
          .allSatisfy(change -> assertThat(change.path("op").asText()).isEqualTo("r"))
          .extracting(change -> change.path("after").path("id").asInt())
          .containsExactlyInAnyOrder(1, 2);
      awaitSlotActive(pg, slot(name));
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + name);
    }
    assertThat(slotExists(pg, slot(name))).isFalse();
  }

  @Test
  void withTwoWorkersTheWorkerThatTookTheDeleteCleansUpAndTheLeaderDoesNot(
      PostgresServer pg, ConnectCluster cluster) {
    Path secondDir = ItEnvironment.logDir().resolve("CleanupOnDeleteIT-second-worker");
    ConnectWorker second =
        ConnectWorker.start(
            KafkaSettings.fromEnvironment(secondDir),
            cluster.bootstrapServers(),
            secondDir,
            Duration.ofMinutes(2));
    String name = pg.uniqueName("cleanup_two");
    createTable(pg, name);
    try {
      second.rest().create(source(pg, name));
      second.rest().awaitRunning(name, TIMEOUT);
      awaitSlotActive(pg, slot(name));
      ConnectWorker first = cluster.worker();
      String leaderUrl = leaderUrl(second.process().logFile());
      ConnectWorker follower = first.restUri().toString().equals(leaderUrl) ? second : first;
      ConnectWorker leader = follower == first ? second : first;
      long followerLog = LogFiles.size(follower.process().logFile());
      long leaderLog = LogFiles.size(leader.process().logFile());

      assertThat(follower.rest().delete(name)).isTrue();

      assertThat(slotExists(pg, slot(name))).as("slot after DELETE").isFalse();
      assertThat(publicationExists(pg, slot(name))).as("publication after DELETE").isFalse();
      String cleanup = "connector " + name + " was deleted: dropped slot " + slot(name);
      assertThat(LogFiles.since(leader.process().logFile(), leaderLog))
          .as("the leader's log")
          .contains("DELETE /connectors/" + name + "?forward=true")
          .doesNotContain("connector " + name + " was deleted");
      assertThat(LogFiles.since(follower.process().logFile(), followerLog))
          .as("the log of the worker that took the DELETE")
          .containsOnlyOnce(cleanup);
    } finally {
      cluster.rest().delete(name);
      second.close();
      pg.execute("DROP TABLE " + name);
    }
  }

  // ---- helpers

  /** DELETE /connectors/NAME/offsets, retried while the worker has not seen the stop yet. */
  private static void resetOffsets(ConnectRestClient rest, String name) {
    Deadline deadline = Deadline.in(TIMEOUT);
    while (true) {
      ConnectRestClient.Response response =
          rest.send("DELETE", "connectors/" + name + "/offsets", null);
      if (response.ok()) {
        assertThat(response.body()).contains("reset");
        return;
      }
      if (deadline.expired()) {
        throw new AssertionError("offsets reset answered " + response);
      }
      deadline.pause();
    }
  }

  /** The first {@code count} change payloads of the connector's table topic. */
  private static List<JsonNode> records(ConnectCluster cluster, String name, int count) {
    List<ConsumerRecord<String, String>> records =
        cluster.read(name + ".public." + name, count, TIMEOUT);
    return records.stream().map(r -> parse(r.value()).path("payload")).toList();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The leader's REST address in the last assignment a worker's log shows. */
  private static String leaderUrl(Path log) {
    Matcher m = Pattern.compile("leaderUrl='([^']+)'").matcher(LogFiles.since(log, 0));
    String url = null;
    while (m.find()) {
      url = m.group(1);
    }
    assertThat(url).as("leaderUrl in %s", log).isNotNull();
    return url;
  }
}
