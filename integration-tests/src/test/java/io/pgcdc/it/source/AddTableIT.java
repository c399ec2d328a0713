package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table added to {@code table.include.list} of a running source ({@code PUT
 * /connectors/NAME/config}) is copied while the other tables stream (op r, {@code source.snapshot =
 * incremental}), then streamed; with writers on it during the copy, its topic replayed gives the
 * table. A table removed from the list leaves the publication and makes no more records.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class AddTableIT {
  /** Generous: load averages of 20 to 40 are seen on this machine in full runs. */
  private static final Duration TIMEOUT = Duration.ofSeconds(300);

  private static final int ROWS = 30_000;

  @Test
  void anAddedTableIsCopiedWhileTheOthersStreamAndItsTopicGivesTheTable(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("addt");
    String a = name + "_a";
    String b = name + "_b";
    AddTableFixture.createTables(pg, a, b, ROWS);
    String topicA = name + ".public." + a;
    String topicB = name + ".public." + b;
    String publication = "pgcdc_" + name;
    ConnectorDefinition onlyA = SourceFixture.source(pg, name, "public." + a);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> AddTableFixture.write(pg, a, b, ROWS, stop, writes, writerError), "writer");
    try {
      cluster.rest().create(onlyA);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topicA, l -> l.size() >= 10, TIMEOUT);
      writer.start();
      Deadline.in(TIMEOUT)
          .await("100 writes streaming", () -> writes.get() > 100, () -> writes.get() + "");

      cluster.rest().putConfig(onlyA.with("table.include.list", "public." + a + ",public." + b));
      Deadline.in(TIMEOUT)
          .await(
              "the copy of " + b + " to be committed (the publication's comment cleared)",
              () ->
                  AddTableFixture.published(pg, publication).contains(b)
                      && AddTableFixture.comment(pg, publication) == null,
              () ->
                  "published "
                      + AddTableFixture.published(pg, publication)
                      + ", "
                      + AddTableFixture.comment(pg, publication));
      int atCopyEnd = writes.get();
      Deadline.in(TIMEOUT)
          .await(
              "200 more writes after the copy",
              () -> writes.get() > atCopyEnd + 200,
              () -> writes.get() + " writes");
    } finally {
      stop.set(true);
      if (writer.isAlive()) {
        writer.join();
      }
    }
    try {
      assertThat(writerError.get()).isNull();
      Map<Integer, Integer> expectedB = AddTableFixture.tableState(pg, b);
      List<Change> changesB =
          SourceFixture.readUntil(cluster, topicB, AddTableFixture.rebuildsTo(expectedB), TIMEOUT);
      List<Change> copied =
          changesB.stream()
              .filter(c -> !c.tombstone() && c.op().equals("r"))
              .filter(c -> c.source().path("snapshot").asText().equals("incremental"))
              .toList();
      assertThat(copied).as("rows copied while streaming").hasSizeGreaterThan(ROWS / 2);
      assertThat(changesB)
          .filteredOn(c -> !c.tombstone() && c.op().equals("r"))
          .as("every read record of the added table is marked incremental")
          .hasSameSizeAs(copied);
      assertThat(changesB)
          .filteredOn(c -> !c.tombstone() && !c.op().equals("r"))
          .as("changes of the added table streamed")
          .isNotEmpty();

      Map<Integer, Integer> expectedA = AddTableFixture.tableState(pg, a);
      List<Change> changesA =
          SourceFixture.readUntil(cluster, topicA, AddTableFixture.rebuildsTo(expectedA), TIMEOUT);
      long copyStart = copied.get(0).source().path("ts_ms").asLong();
      long copyEnd = copied.get(copied.size() - 1).source().path("ts_ms").asLong();
      assertThat(changesA)
          .filteredOn(c -> !c.tombstone() && c.op().equals("c"))
          .filteredOn(c -> c.source().path("ts_ms").asLong() >= copyStart)
          .filteredOn(c -> c.source().path("ts_ms").asLong() <= copyEnd)
          .as("inserts into %s committed while %s was copied (%d to %d)", a, b, copyStart, copyEnd)
          .isNotEmpty();

      // Removed from the list: out of the publication, no more records.
      cluster.rest().putConfig(onlyA);
      Deadline.in(TIMEOUT)
          .await(
              b + " to leave the publication",
              () -> !AddTableFixture.published(pg, publication).contains(b),
              () -> "published " + AddTableFixture.published(pg, publication));
      int marker = 1_000_000;
      pg.execute(
          "UPDATE " + b + " SET v = v + 1000", "INSERT INTO " + a + " VALUES (" + marker + ", 0)");
      SourceFixture.readUntil(
          cluster,
          topicA,
          l -> l.stream().anyMatch(c -> c.keyPayload().path("id").asInt() == marker),
          TIMEOUT);
      List<Change> afterRemoval =
          SourceFixture.readUntil(cluster, topicB, l -> l.size() >= changesB.size(), TIMEOUT);
      assertThat(afterRemoval).as("records of %s after its removal", b).hasSize(changesB.size());
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + a, "DROP TABLE " + b);
    }
  }
}
