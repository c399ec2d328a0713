package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records of a large transaction that the server streams before it commits are built on the
 * replay thread and, with pgcdc's converter and no transforms, converted to JSON there: they are
 * the records, in the order, that Connect writes converting them itself. Two connectors read the
 * same WAL from two slots made before the transaction, one converting ahead, one with Kafka's
 * JsonConverter class, and every record is the same text at the same place in both topics but for
 * what names the connector and when it ran. The connectors' role has logical_decoding_work_mem =
 * 64kB, so that the server streams the transaction.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class StreamConversionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final int ROWS = 20_000;

  /** Inserts, updates of every third row, deletes of every fifth (each with its tombstone). */
  private static final int RECORDS = ROWS + ROWS / 3 + 2 * (ROWS / 5);

  private static final String KAFKA_JSON = "org.apache.kafka.connect.json.JsonConverter";

  @Test
  void aStreamedTransactionConvertedAheadIsWhatConnectWouldHaveWritten(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String base = pg.uniqueName("sconv");
    String table = base + "_t";
    String role = base + "_role";
    String publication = "pgcdc_" + base;
    pg.execute(
        "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'pw'",
        "ALTER ROLE " + role + " SET logical_decoding_work_mem = '64kB'",
        "GRANT CREATE ON DATABASE " + pg.database() + " TO " + role,
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, n numeric(12,3), ts timestamptz, b bytea, j jsonb,"
            + " txt text, arr int[], flag boolean)",
        "ALTER TABLE " + table + " OWNER TO " + role,
        "CREATE PUBLICATION " + publication + " FOR TABLE " + table);
    for (String suffix : List.of("a", "k")) {
      pg.execute(
          "SELECT pg_create_logical_replication_slot('pgcdc_"
              + base
              + "_"
              + suffix
              + "', 'pgoutput')");
    }
    Path log = cluster.worker().process().logFile();
    try {
      pg.execute(
          "DO $$ BEGIN"
              + " INSERT INTO "
              + table
              + " SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.125 END,"
              + " '2026-11-22 10:00+00'::timestamptz + g * interval '1 second',"
              + " CASE WHEN g % 5 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END,"
              + " jsonb_build_object('g', g, 'q', 'a\"b'),"
              + " E'tab\\there \"quoted\" \\\\ é ' || g, ARRAY[g, NULL, -g], g % 2 = 0"
              + " FROM generate_series(1, "
              + ROWS
              + ") g;"
              + " UPDATE "
              + table
              + " SET txt = 'updated ' || id WHERE id % 3 = 0;"
              + " DELETE FROM "
              + table
              + " WHERE id % 5 = 0;"
              + " END $$");
      List<String> ahead = read(pg, cluster, base, "a", table, publication, role, Map.of(), log);
      List<String> kafkas =
          read(
              pg,
              cluster,
              base,
              "k",
              table,
              publication,
              role,
              Map.of(
                  "key.converter",
                  KAFKA_JSON,
                  "key.converter.schemas.enable",
                  "true",
                  "value.converter",
                  KAFKA_JSON,
                  "value.converter.schemas.enable",
                  "true"),
              log);

      assertThat(ahead).hasSize(RECORDS);
      assertThat(kafkas).hasSize(RECORDS);
      for (int i = 0; i < RECORDS; i++) {
        assertThat(ahead.get(i))
            .as("record %d: converted ahead vs. Kafka's converter", i)
            .isEqualTo(kafkas.get(i));
      }
      assertThat(ahead.get(0)).contains("\"id\":1,");
      assertThat(ahead.get(ROWS - 1)).contains("\"id\":" + ROWS + ",");
    } finally {
      pg.execute(
          "DROP PUBLICATION IF EXISTS " + publication,
          "DROP TABLE " + table,
          "REVOKE CREATE ON DATABASE " + pg.database() + " FROM " + role,
          "DROP ROLE " + role);
    }
  }

  /**
   * Streams with a connector named {@code base_suffix} (slot pgcdc_{@code base_suffix}, made before
   * the transaction) and {@code overrides}; returns each record as its key and value text, in topic
   * order, with the connector's name and times replaced by placeholders. Checks what the replay's
   * log line says of converting ahead.
   */
  private static List<String> read(
      PostgresServer pg,
      ConnectCluster cluster,
      String base,
      String suffix,
      String table,
      String publication,
      String role,
      Map<String, String> overrides,
      Path log) {
    String name = base + "_" + suffix;
    long logFrom = LogFiles.size(log);
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("connection.user", role)
                  .with("connection.password", "pw")
                  .with("snapshot.mode", "never")
                  .with("publication.name", publication)
                  .with(overrides));
      List<ConsumerRecord<String, String>> records =
          SourceFixture.readText(cluster, name + ".public." + table, RECORDS, TIMEOUT);
      String expected = "[task-thread-" + name + "-0] TransactionAssembler: Replayed streamed";
      Deadline.in(TIMEOUT)
          .await(
              "the replay's log line",
              () -> LogFiles.since(log, logFrom).contains(expected),
              () -> LogFiles.tailSince(log, logFrom, 20));
      // The slot decodes the other tests' large transactions too: those replay no record of this
      // table (and so meet no converter, "no"); this test's transaction is among the lines.
      List<String> lines =
          LogFiles.since(log, logFrom).lines().filter(l -> l.contains(expected)).toList();
      if ("a".equals(suffix)) {
        assertThat(lines).anyMatch(l -> l.endsWith("JSON converted there: yes"));
      } else {
        assertThat(lines).allMatch(l -> l.endsWith("JSON converted there: no"));
      }
      return records.stream()
          .map(r -> normalize(r.key(), name) + " " + normalize(r.value(), name))
          .toList();
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
    }
  }

  private static String normalize(String text, String name) {
    return text == null
        ? "null"
        : text.replace(name, "NAME").replaceAll("\"ts_ms\":\\d+", "\"ts_ms\":0");
  }
}
