package io.pgcdc.it.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a worker with {@code exactly.once.source.support=enabled}, each batch of a run and its
 * position are committed in one Kafka transaction: a worker killed (SIGKILL) in the middle of a
 * long run, and restarted, goes on after the last committed row, and a read_committed consumer sees
 * every row once.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(
    workerProperties = {
      "exactly.once.source.support=enabled",
      // The killed task's open transaction keeps read_committed readers of the offsets topic (the
      // restarted task's among them) waiting until the broker aborts it, which this bounds. Loaded
      // full runs that missed the resumed run's last rows (with 5 s, and once with 20 s) were this
      // test's reader parsing every record on every poll, too slow for its deadline: the worker
      // log of the last one shows the resumed run done a minute before the deadline.
      "producer.transaction.timeout.ms=20000",
      "session.timeout.ms=6000",
      "heartbeat.interval.ms=2000"
    })
class QueryExactlyOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 40_000;

  @Test
  void aRunCutByAWorkerKillGoesOnAfterItsLastCommittedRowAndNoRowComesTwice(
      PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_eos");
    String name = table + "_src";
    String topic = name + "rows";
    OwnDatabase db = OwnDatabase.create(pg, "q_eos_db");
    db.execute(
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, note text NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO "
            + table
            + " (id, note) SELECT g, 'row ' || g FROM generate_series(1, "
            + ROWS
            + ") g");
    try {
      cluster
          .rest()
          .create(
              QueryFixture.query(pg, name)
                  .with("connection.database", db.name())
                  .with("queries", "rows")
                  .with("exactly.once.support", "required")
                  .with("fetch.size", "200")
                  .with("query.rows.sql", "SELECT id, note, updated_at FROM " + table)
                  .with("query.rows.mode", "timestamp+incrementing")
                  .with("query.rows.timestamp.column", "updated_at")
                  .with("query.rows.incrementing.column", "id")
                  .with("query.rows.key.columns", "id")
                  .with("query.rows.interval.ms", "500"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      List<ConsumerRecord<String, String>> before =
          TopicReader.readUntil(
              cluster.bootstrapServers(),
              topic,
              "a fifth of the rows",
              l -> l.size() >= ROWS / 5,
              TIMEOUT);
      assertThat(before.size()).as("the kill comes in the middle of the run").isLessThan(ROWS);
      cluster.worker().kill();
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(name, TIMEOUT);
      db.execute("INSERT INTO " + table + " (id, note) VALUES (" + (ROWS + 1) + ", 'end')");

      Ids seen = new Ids();
      List<ConsumerRecord<String, String>> all =
          TopicReader.readUntil(
              cluster.bootstrapServers(),
              topic,
              "every row",
              l -> seen.catchUp(l).size() >= ROWS + 1,
              TIMEOUT);
      assertThat(all).as("records, once each").hasSize(ROWS + 1);
    } finally {
      cluster.rest().delete(name);
      db.close();
    }
  }

  /**
   * The ids read so far, parsing only the records that arrived since the last call (parsing all of
   * them on every poll made the reader too slow for the deadline in loaded runs).
   */
  private static final class Ids {
    private final Set<Long> ids = new HashSet<>();
    private int parsed;

    Set<Long> catchUp(List<ConsumerRecord<String, String>> records) {
      for (; parsed < records.size(); parsed++) {
        ids.add(value(records.get(parsed)).path("payload").path("id").asLong());
      }
      return ids;
    }
  }

  private static JsonNode value(ConsumerRecord<String, String> r) {
    try {
      return JSON.readTree(r.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
