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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Snapshot records converted to JSON on the reading threads (pgcdc's converter, no transforms) are
 * the records Connect would have written converting them itself: the same table is copied by three
 * connectors, one converting ahead, one with Kafka's JsonConverter class, one with a transformation
 * configured (which turns converting ahead off), and every key and value is the same text in all
 * three but for what names the connector and the time it ran.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SnapshotConversionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Enough 8 kB blocks for several ctid ranges, so that two threads copy at once. */
  private static final int ROWS = 40_000;

  private static final String KAFKA_JSON = "org.apache.kafka.connect.json.JsonConverter";

  @Test
  void convertedAheadIsWhatConnectWouldHaveWritten(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String table = pg.uniqueName("conv") + "_t";
    pg.execute(
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, n numeric(12,3), ts timestamptz, b bytea, j jsonb,"
            + " txt text, arr int[], flag boolean, pad text)",
        "INSERT INTO "
            + table
            + " SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.125 END,"
            + " '2026-11-22 10:00+00'::timestamptz + g * interval '1 second',"
            + " CASE WHEN g % 5 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END,"
            + " jsonb_build_object('g', g, 'q', 'a\"b'),"
            + " E'tab\\there \"quoted\" \\\\ é ' || g, ARRAY[g, NULL, -g], g % 2 = 0,"
            + " repeat('x', 120) FROM generate_series(1, "
            + ROWS
            + ") g");
    Path log = cluster.worker().process().logFile();
    try {
      Map<String, String> ahead = copy(pg, cluster, table, "conva", Map.of(), "yes", log);
      Map<String, String> kafkas =
          copy(
              pg,
              cluster,
              table,
              "convk",
              Map.of(
                  "key.converter",
                  KAFKA_JSON,
                  "key.converter.schemas.enable",
                  "true",
                  "value.converter",
                  KAFKA_JSON,
                  "value.converter.schemas.enable",
                  "true"),
              "no",
              log);
      Map<String, String> transformed =
          copy(
              pg,
              cluster,
              table,
              "convt",
              Map.of(
                  "transforms", "mark",
                  "transforms.mark.type", "org.apache.kafka.connect.transforms.InsertHeader",
                  "transforms.mark.header", "copied-by",
                  "transforms.mark.value.literal", "pgcdc"),
              "no",
              log);

      assertThat(ahead.size()).isEqualTo(ROWS);
      assertThat(kafkas.size()).isEqualTo(ROWS);
      assertThat(transformed.size()).isEqualTo(ROWS);
      for (Map.Entry<String, String> e : ahead.entrySet()) {
        assertThat(e.getValue())
            .as("key %s: converted ahead vs. Kafka's converter", e.getKey())
            .isEqualTo(kafkas.get(e.getKey()));
        assertThat(e.getValue())
            .as("key %s: converted ahead vs. converted by Connect", e.getKey())
            .isEqualTo(transformed.get(e.getKey()));
      }
    } finally {
      pg.execute("DROP TABLE " + table);
    }
  }

  /**
   * Snapshots {@code table} with a connector named {@code prefix...} and {@code overrides}; returns
   * each record's value text by key text, with the connector's name and the times and positions of
   * this copy replaced by placeholders. Checks what the snapshot's last log line says of converting
   * ahead.
   */
  private static Map<String, String> copy(
      PostgresServer pg,
      ConnectCluster cluster,
      String table,
      String prefix,
      Map<String, String> overrides,
      String convertedAhead,
      Path log)
      throws Exception {
    String name = pg.uniqueName(prefix);
    long logFrom = LogFiles.size(log);
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("snapshot.max.threads", "2")
                  .with(overrides));
      cluster.rest().awaitRunning(name, TIMEOUT);
      List<ConsumerRecord<String, String>> records =
          SourceFixture.readText(cluster, name + ".public." + table, ROWS, TIMEOUT);
      String expected =
          "[task-thread-" + name + "-0] SnapshotReader: Snapshot complete: " + ROWS + " rows";
      Deadline.in(TIMEOUT)
          .await(
              "the snapshot's last log line",
              () -> LogFiles.since(log, logFrom).contains(expected),
              () -> LogFiles.tailSince(log, logFrom, 20));
      String line =
          LogFiles.since(log, logFrom)
              .lines()
              .filter(l -> l.contains(expected))
              .findFirst()
              .orElseThrow();
      assertThat(line).endsWith("JSON converted on the reading threads: " + convertedAhead + ")");

      Map<String, String> byKey = new HashMap<>();
      for (ConsumerRecord<String, String> r : records) {
        String previous = byKey.put(normalize(r.key(), name), normalize(r.value(), name));
        assertThat(previous).as("a second record for key %s", r.key()).isNull();
      }
      return byKey;
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
    }
  }

  /**
   * The text with this copy's name, times and slot position replaced, and the mark of the record
   * handed out last (which of them that is depends on how the threads interleaved).
   */
  private static String normalize(String text, String name) {
    return text.replace(name, "NAME")
        .replace("\"snapshot\":\"last\"", "\"snapshot\":\"true\"")
        .replaceAll("\"ts_ms\":\\d+", "\"ts_ms\":0")
        .replaceAll("\"lsn\":\\d+", "\"lsn\":0");
  }
}
