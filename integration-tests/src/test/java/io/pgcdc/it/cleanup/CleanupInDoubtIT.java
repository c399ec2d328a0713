package io.pgcdc.it.cleanup;

import static io.pgcdc.it.cleanup.CleanupFixtures.TIMEOUT;
import static io.pgcdc.it.cleanup.CleanupFixtures.awaitSlotActive;
import static io.pgcdc.it.cleanup.CleanupFixtures.awaitState;
import static io.pgcdc.it.cleanup.CleanupFixtures.createTable;
import static io.pgcdc.it.cleanup.CleanupFixtures.ok;
import static io.pgcdc.it.cleanup.CleanupFixtures.publicationExists;
import static io.pgcdc.it.cleanup.CleanupFixtures.slot;
import static io.pgcdc.it.cleanup.CleanupFixtures.slotExists;
import static io.pgcdc.it.cleanup.CleanupFixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.cleanup.gate.HerderGate;
import io.pgcdc.it.cleanup.gate.HerderHoldingConnector;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the cleanup cannot tell whether another connector reads a deleted source's slot, it keeps
 * the slot and the publication. The worker's herder is held (by a test plugin, {@link
 * HerderHoldingConnector}) right after the extension has read the deleted connector's config and
 * before it lists the other connectors, so that list cannot be read, while a second connector
 * shares the slot; then the herder goes on and the DELETE succeeds.
 *
 * <p>{@code rebalance.timeout.ms} bounds how long the extension's reads wait for the herder (Kafka
 * takes the smaller of it and 90 s): 10 s lets the extension give up on the list after its 30 s
 * instead of a minute.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(
    workerProperties = {
      "config.providers=env,file,gate",
      "config.providers.gate.class=io.pgcdc.it.cleanup.gate.HerderGate",
      "rebalance.timeout.ms=10000"
    },
    testPlugins = {HerderGate.class, HerderHoldingConnector.class})
class CleanupInDoubtIT {
  private static final Duration HELD_FOR_AT_MOST = Duration.ofMinutes(2);

  @Test
  void whenTheOtherConnectorsCannotBeReadTheSharedSlotAndPublicationAreKept(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("cleanup_doubt");
    String twin = name + "_twin";
    String holder = name + "_holder";
    ConnectRestClient rest = cluster.rest();
    Path gate = Files.createDirectories(ItEnvironment.logDir().resolve("gate-" + name));
    Path log = cluster.worker().process().logFile();
    createTable(pg, name);
    try {
      // A second source on the same slot and publication, created stopped (a running source's
      // slot cannot be given to another): it waits for the slot.
      ConnectorDefinition second =
          source(pg, name)
              .withName(twin)
              .with("slot.name", slot(name))
              .with("publication.name", slot(name))
              .with("topic.prefix", twin);
      ok(
          rest.send(
              "POST",
              "connectors",
              Map.of("name", twin, "config", second.config(), "initial_state", "STOPPED")));
      awaitState(rest, twin, "STOPPED");
      // The config refers to the gate: the extension resolves it between its two reads.
      rest.create(source(pg, name).with("pgcdc.test.gate", "${gate:" + gate + ":open}"));
      rest.awaitRunning(name, TIMEOUT);
      awaitSlotActive(pg, slot(name));
      rest.create(
          new ConnectorDefinition(
              holder,
              Map.of(
                  "connector.class",
                  HerderHoldingConnector.class.getName(),
                  "tasks.max",
                  "1",
                  HerderHoldingConnector.DIR_CONFIG,
                  gate.toString())));
      awaitState(rest, holder, "RUNNING");
      long logStart = LogFiles.size(log);

      Files.writeString(gate.resolve("armed"), name);
      CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(() -> rest.delete(name));
      String inDoubt = "Cannot tell whether another connector reads slot " + slot(name);
      Deadline.in(HELD_FOR_AT_MOST)
          .await(
              "the cleanup to give up reading the other connectors",
              () -> LogFiles.since(log, logStart).contains(inDoubt) || delete.isDone(),
              () -> LogFiles.tailSince(log, logStart, 40));
      assertThat(delete).as("the DELETE, while the herder is held").isNotDone();
      Files.delete(gate.resolve("hold")); // the herder goes on, and the DELETE with it

      assertThat(delete.get(HELD_FOR_AT_MOST.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(rest.connectors()).doesNotContain(name).contains(twin);
      assertThat(slotExists(pg, slot(name))).as("slot after DELETE").isTrue();
      assertThat(publicationExists(pg, slot(name))).as("publication after DELETE").isTrue();
      assertThat(LogFiles.since(log, logStart))
          .contains(
              "its slot "
                  + slot(name)
                  + " and publication "
                  + slot(name)
                  + " are kept in case another connector reads them")
          .contains("pg_drop_replication_slot");

      // Once it can tell, deleting the last reader drops them.
      assertThat(rest.delete(twin)).isTrue();
      assertThat(slotExists(pg, slot(name))).as("slot after the twin's DELETE").isFalse();
      assertThat(publicationExists(pg, slot(name))).as("publication after it").isFalse();
    } finally {
      Files.deleteIfExists(gate.resolve("hold"));
      rest.delete(holder);
      rest.delete(twin);
      rest.delete(name);
      pg.execute("DROP TABLE " + name);
    }
  }
}
