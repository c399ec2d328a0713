package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connect's offsets API (KIP-875) on a stopped source: a position the slot cannot serve (before its
 * confirmed_flush_lsn, after the server's WAL, or not a number) is refused with what to give; a
 * servable one is stored and the resumed task streams from it (what committed before it is
 * skipped); a reset makes the resumed task snapshot the tables again.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class OffsetsApiIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  @Test
  void alterRefusesWhatTheSlotCannotServeAndResumesFromAServablePosition(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("offs");
    String table = name + "_t";
    String slot = "pgcdc_" + name;
    String topic = name + ".public." + table;
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY)",
        "INSERT INTO " + table + " SELECT generate_series(1, 5)");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(SourceFixture.source(pg, name, "public." + table));
      rest.awaitRunning(name, TIMEOUT);
      pg.execute("INSERT INTO " + table + " VALUES (6)");
      SourceFixture.readUntil(cluster, topic, hasId(6), TIMEOUT);
      String walAfter6 = text(pg, "SELECT pg_current_wal_lsn()::text");
      Deadline.in(TIMEOUT)
          .await(
              "the slot to confirm the insert of 6",
              () ->
                  "t"
                      .equals(
                          text(
                              pg,
                              "SELECT confirmed_flush_lsn >= '"
                                  + walAfter6
                                  + "' FROM pg_replication_slots WHERE slot_name = '"
                                  + slot
                                  + "'")),
              () -> "not yet");
      stop(rest, name);

      long confirmed =
          number(
              pg,
              "SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = '"
                  + slot
                  + "'");
      assertRefused(rest, name, slot, confirmed - 1, "before the confirmed_flush_lsn");
      long current = number(pg, "SELECT pg_current_wal_lsn() - '0/0'");
      assertRefused(rest, name, slot, current + 1_000_000_000L, "after the server's current WAL");
      assertRefused(rest, name, slot, "0/16B3748", "expected the LSN as a number");

      // 7 commits before the new position, 8 after: the resumed task skips 7, streams 8.
      pg.execute("INSERT INTO " + table + " VALUES (7)");
      long position = number(pg, "SELECT pg_current_wal_lsn() - '0/0'");
      pg.execute("INSERT INTO " + table + " VALUES (8)");
      ConnectRestClient.Response altered = patch(rest, name, slot, position);
      assertThat(altered.ok()).as("PATCH answered %s", altered).isTrue();
      rest.sendRetrying("PUT", "/connectors/" + name + "/resume", null);
      rest.awaitRunning(name, TIMEOUT);
      List<Change> changes = SourceFixture.readUntil(cluster, topic, hasId(8), TIMEOUT);
      assertThat(changes)
          .filteredOn(c -> !c.tombstone())
          .extracting(c -> c.keyPayload().path("id").asInt())
          .as("the insert of 7, committed before the new position, is skipped")
          .doesNotContain(7);

      // A reset (the cleanup extension drops the slot too): the resumed task snapshots again.
      stop(rest, name);
      ConnectRestClient.Response reset =
          rest.sendRetrying("DELETE", "/connectors/" + name + "/offsets", null);
      assertThat(reset.ok()).as("DELETE offsets answered %s", reset).isTrue();
      rest.sendRetrying("PUT", "/connectors/" + name + "/resume", null);
      rest.awaitRunning(name, TIMEOUT);
      List<Change> again =
          SourceFixture.readUntil(
              cluster,
              topic,
              l ->
                  l.stream()
                      .anyMatch(
                          c ->
                              !c.tombstone()
                                  && "r".equals(c.op())
                                  && c.keyPayload().path("id").asInt() == 7),
              TIMEOUT);
      long secondSnapshot =
          again.stream()
              .filter(c -> !c.tombstone() && "r".equals(c.op()))
              .reduce((x, y) -> y)
              .orElseThrow()
              .source()
              .path("lsn")
              .asLong();
      assertThat(again)
          .filteredOn(c -> !c.tombstone() && "r".equals(c.op()))
          .filteredOn(c -> c.source().path("lsn").asLong() == secondSnapshot)
          .extracting(c -> c.keyPayload().path("id").asInt())
          .as("the snapshot after the reset reads every row, 7 included")
          .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + table);
    }
  }

  private static java.util.function.Predicate<List<Change>> hasId(int id) {
    return l -> l.stream().anyMatch(c -> !c.tombstone() && c.keyPayload().path("id").asInt() == id);
  }

  private static void stop(ConnectRestClient rest, String name) {
    ConnectRestClient.Response stopped =
        rest.sendRetrying("PUT", "/connectors/" + name + "/stop", null);
    assertThat(stopped.ok()).as("stop answered %s", stopped).isTrue();
    Deadline.in(TIMEOUT)
        .await(
            name + " to be stopped",
            () ->
                "STOPPED".equals(rest.status(name).state()) && rest.status(name).tasks().isEmpty(),
            () -> rest.status(name).toString());
  }

  private static ConnectRestClient.Response patch(
      ConnectRestClient rest, String name, String slot, Object lsn) {
    return rest.sendRetrying(
        "PATCH",
        "/connectors/" + name + "/offsets",
        Map.of(
            "offsets",
            List.of(
                Map.of(
                    "partition", Map.of("slot", slot), "offset", Map.of("lsn", lsn, "pos", 0)))));
  }

  private static void assertRefused(
      ConnectRestClient rest, String name, String slot, Object lsn, String why) {
    ConnectRestClient.Response r = patch(rest, name, slot, lsn);
    assertThat(r.ok()).as("PATCH of lsn %s answered %s", lsn, r).isFalse();
    assertThat(r.body()).as("PATCH of lsn %s", lsn).contains(why);
  }

  private static String text(PostgresServer pg, String sql) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long number(PostgresServer pg, String sql) {
    return new java.math.BigDecimal(text(pg, sql)).longValueExact();
  }
}
