package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An update of the primary key that leaves a large (TOASTed, stored out of line) column alone: the
 * source sends a delete of the old key and a create of the new one without that column (listed in
 * {@code source.unchanged_toast_columns}, the old row in {@code before}), and the sink moves the
 * row, so the copy keeps the value. With {@code REPLICA IDENTITY FULL} the old row carries the
 * value, and the create has it.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class KeyMoveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /**
   * A text of about 6 kB that does not compress (md5 digests chained from {@code seed}): stored out
   * of line, so that an update which does not touch it does not send it.
   */
  static String bigValue(String seed) {
    return "(SELECT string_agg(md5(("
        + seed
        + ")::text || '-' || g), '') FROM generate_series(1, 200) g)";
  }

  @ParameterizedTest(name = "REPLICA IDENTITY {0}")
  @ValueSource(strings = {"DEFAULT", "FULL"})
  void keyChangeKeepsTheUnchangedToastValue(
      String identity, ConnectCluster cluster, PostgresServer pg) {
    try (Pipeline p = new Pipeline(cluster, pg, "keymove")) {
      String table = p.table(p.name);
      String t = "public." + table;
      pg.execute(
          "CREATE TABLE " + t + " (id bigint PRIMARY KEY, v int NOT NULL, big text)",
          "ALTER TABLE " + t + " ALTER COLUMN big SET STORAGE EXTERNAL",
          "ALTER TABLE " + t + " REPLICA IDENTITY " + identity,
          "INSERT INTO " + t + " SELECT i, 0, " + bigValue("i") + " FROM generate_series(1, 6) i");
      p.createTopics(table);
      p.start(p.source(table), TIMEOUT);
      p.start(p.sink(table), TIMEOUT);
      p.awaitCopyEqual(table, TIMEOUT);

      // One statement, with no other change around it.
      pg.execute("UPDATE " + t + " SET id = 101 WHERE id = 1");
      p.awaitCopyEqual(table, TIMEOUT);
      // Several rows in one statement; a chain of moves and an update in one transaction.
      pg.execute("UPDATE " + t + " SET id = id + 1000 WHERE id IN (2, 3)");
      pg.execute(
          "BEGIN; UPDATE " + t + " SET id = 104 WHERE id = 4;",
          "UPDATE " + t + " SET v = 1 WHERE id = 104;",
          "UPDATE " + t + " SET id = 204 WHERE id = 104; COMMIT");
      // A move, then the old key used again by a new row.
      pg.execute(
          "UPDATE " + t + " SET id = 105 WHERE id = 5",
          "INSERT INTO " + t + " VALUES (5, 7, " + bigValue("55") + ")");
      p.awaitCopyEqual(table, TIMEOUT);

      JsonNode create = firstCreateOf(p, table, 101);
      if (identity.equals("DEFAULT")) {
        assertThat(create.path("after").has("big")).as("after of %s", create).isFalse();
        assertThat(create.path("source").path("unchanged_toast_columns").toString())
            .isEqualTo("[\"big\"]");
      } else {
        assertThat(create.path("after").path("big").asText()).hasSizeGreaterThan(2000);
      }
      assertThat(create.path("before").path("id").asLong()).isEqualTo(1);
    }
  }

  /** The payload of the create (op c) of key {@code id} in the table's topic. */
  private static JsonNode firstCreateOf(Pipeline p, String table, long id) {
    List<JsonNode> values =
        p.readValues(table, v -> v.stream().anyMatch(r -> isCreateOf(r, id)), TIMEOUT);
    return values.stream().filter(r -> isCreateOf(r, id)).findFirst().orElseThrow().get("payload");
  }

  private static boolean isCreateOf(JsonNode record, long id) {
    JsonNode payload = record.path("payload");
    return payload.path("op").asText().equals("c")
        && payload.path("after").path("id").asLong() == id;
  }
}
