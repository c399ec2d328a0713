package io.pgcdc.it.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each record's statements run once: a worker killed (SIGKILL) in the middle of a topic, with
 * Kafka's committed offsets far behind (offsets are flushed once a minute), and restarted, goes on
 * from the offsets ledger in PostgreSQL, so that {@code UPDATE counters SET n = n + 1} counts every
 * record exactly once.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
@OwnConnectCluster(
    workerProperties = {
      "offset.flush.interval.ms=60000",
      "session.timeout.ms=6000",
      "heartbeat.interval.ms=2000"
    })
class StatementExactlyOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final int RECORDS = 30_000;

  @Test
  void aCounterCountsEveryRecordOnceAcrossAWorkerKill(ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_eos")) {
      String counters = f.name + "_counters";
      f.create(
          "CREATE TABLE "
              + counters
              + " (id int PRIMARY KEY, n bigint NOT NULL);"
              + " INSERT INTO "
              + counters
              + " VALUES (1, 0)",
          "DROP TABLE " + counters);
      List<String[]> records = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        records.add(new String[] {null, "{\"id\":1}"});
      }
      f.produce(records);

      f.start(
          f.schemaless()
              .with("consumer.override.max.poll.records", "100")
              .with("statement", "UPDATE " + counters + " SET n = n + 1 WHERE id = :value.id"));
      String count = "SELECT n FROM " + counters;
      Deadline.in(TIMEOUT)
          .await(
              "a fifth of the records counted",
              () -> Long.parseLong(f.rows(count).get(0)) >= RECORDS / 5,
              () -> "count " + f.rows(count));
      cluster.worker().kill();
      long atKill = Long.parseLong(f.rows(count).get(0));
      assertThat(atKill).as("the kill comes in the middle of the topic").isLessThan(RECORDS);
      cluster.worker().restart(TIMEOUT);
      cluster.rest().awaitRunning(f.name, TIMEOUT);

      String ledger =
          "SELECT kafka_offset FROM " + f.ledger + " WHERE connector = '" + f.name + "'";
      Deadline.in(TIMEOUT)
          .await(
              "the ledger at the last record",
              () -> f.rows(ledger).equals(List.of(String.valueOf(RECORDS - 1))),
              () -> "ledger " + f.rows(ledger) + ", count " + f.rows(count));
      assertThat(f.rows(count)).containsExactly(String.valueOf(RECORDS));
    }
  }

  @Test
  void aCounterCountsEveryRecordOnceAcrossRebalances(ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_rebal")) {
      String counters = f.name + "_counters";
      f.create(
          "CREATE TABLE "
              + counters
              + " (id int PRIMARY KEY, n bigint NOT NULL);"
              + " INSERT INTO "
              + counters
              + " VALUES (1, 0)",
          "DROP TABLE " + counters);
      f.createTopic(2);
      List<String[]> records = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        records.add(new String[] {null, "{\"id\":1}"});
      }
      f.produce(records, 2);
      var connector =
          f.schemaless()
              .with("tasks.max", "1")
              .with("consumer.override.max.poll.records", "100")
              .with("statement", "UPDATE " + counters + " SET n = n + 1 WHERE id = :value.id");
      f.start(connector);
      String count = "SELECT n FROM " + counters;
      for (int tasks = 2; tasks <= 3; tasks++) {
        long at = (long) RECORDS * (tasks - 1) / 4;
        Deadline.in(TIMEOUT)
            .await(
                "a share of the records counted",
                () -> Long.parseLong(f.rows(count).get(0)) >= at,
                () -> "count " + f.rows(count));
        // New tasks: the partitions move between tasks mid-stream.
        cluster.rest().putConfig(connector.with("tasks.max", String.valueOf(tasks)));
      }
      assertThat(Long.parseLong(f.rows(count).get(0)))
          .as("rebalanced mid-stream")
          .isLessThan(RECORDS);
      String ledger =
          "SELECT sum(kafka_offset + 1) FROM " + f.ledger + " WHERE connector = '" + f.name + "'";
      Deadline.in(TIMEOUT)
          .await(
              "the ledger at the last records",
              () -> f.rows(ledger).equals(List.of(String.valueOf(RECORDS))),
              () -> "ledger " + f.rows(ledger) + ", count " + f.rows(count));
      assertThat(f.rows(count)).containsExactly(String.valueOf(RECORDS));
    }
  }
}
