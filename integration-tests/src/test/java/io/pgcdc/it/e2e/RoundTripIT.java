package io.pgcdc.it.e2e;

import static io.pgcdc.it.e2e.EveryTypeTable.columns;
import static io.pgcdc.it.e2e.EveryTypeTable.createTable;
import static io.pgcdc.it.e2e.EveryTypeTable.edges;
import static io.pgcdc.it.e2e.EveryTypeTable.insert;
import static io.pgcdc.it.e2e.EveryTypeTable.ordinary;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table with a column of every type the decoder supports goes through the source (in both value
 * modes), Kafka (JSON converter with schemas) and the sink into a copy that the sink creates: after
 * the snapshot, after inserts, updates (also ones that leave TOASTed values of over 1 MB unchanged,
 * with the default replica identity), deletes, and after columns are added and dropped, the copy
 * holds exactly the same values ({@link TableComparison}) in columns of exactly the same types.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class RoundTripIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /**
   * In both value modes: typed (the default: Decimal, epoch days, micro-second timestamps, ISO
   * strings, arrays, and source.text_values for what those cannot hold) and text.
   */
  @ParameterizedTest(name = "value.mode={0}")
  @ValueSource(strings = {"typed", "text"})
  void everyTypeArrivesUnchangedThroughSnapshotStreamingToastAndSchemaChanges(
      String valueMode, PostgresServer pg, ConnectCluster cluster) throws SQLException {
    try (Pipeline p = new Pipeline(cluster, pg, "rt_" + valueMode)) {
      String mood = p.name + "_mood";
      String posint = p.name + "_posint";
      String table = p.table(p.name);
      p.cleanUpAlso("DROP TYPE IF EXISTS " + mood);
      p.cleanUpAlso("DROP DOMAIN IF EXISTS " + posint);
      Map<String, String> columns = columns(pg, mood, posint);
      pg.execute(
          "CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy', 'with space')",
          "CREATE DOMAIN " + posint + " AS integer CHECK (VALUE > 0)",
          createTable(table, columns));

      // Snapshot: ordinary values, edge values, a row of NULLs, TOASTed values over 1 MB.
      pg.execute(
          insert(table, 1, ordinary(pg, mood)),
          insert(table, 2, edges(pg, mood)),
          insert(table, 3, Map.of()),
          insert(table, 4, large()));

      p.createTopics(table);
      p.start(p.source(table).with("value.mode", valueMode), TIMEOUT);
      p.start(p.sink(table), TIMEOUT);
      p.awaitCopyEqual(table, TIMEOUT);

      // Streaming: the same kinds of rows, updates of every kind, deletes.
      pg.execute(
          insert(table, 5, edges(pg, mood)),
          insert(table, 6, Map.of()),
          insert(table, 7, large()),
          insert(table, 8, ordinary(pg, mood)),
          // unchanged TOAST: only a small column changes, the large ones are not sent
          "UPDATE " + table + " SET c_int4 = c_int4 + 1 WHERE id IN (4, 7)",
          "UPDATE " + table + " SET c_text = 'changed', c_name = 'renamed' WHERE id = 4",
          update(table, 3, edges(pg, mood)),
          update(table, 1, nulls(columns)),
          update(table, 6, ordinary(pg, mood)),
          "UPDATE " + table + " SET c_big_bytea = c_big_bytea || '\\x00ff'::bytea WHERE id = 7",
          "DELETE FROM " + table + " WHERE id = 8",
          // several changes of one row in one transaction
          "BEGIN; UPDATE "
              + table
              + " SET c_int8 = 1 WHERE id = 5; UPDATE "
              + table
              + " SET c_int8 = 2 WHERE id = 5; DELETE FROM "
              + table
              + " WHERE id = 2; COMMIT");
      p.awaitCopyEqual(table, TIMEOUT);
      // The large values really were TOASTed: the update left them out and named them.
      p.readValues(table, values -> values.stream().anyMatch(RoundTripIT::leftLargeOut), TIMEOUT);

      // Schema changes: a column added (and filled), a column dropped, TOAST unchanged after both.
      pg.execute(
          "ALTER TABLE " + table + " ADD COLUMN c_added numeric(12,3)",
          "ALTER TABLE " + table + " ADD COLUMN c_added_arr " + mood + "[]",
          insert(table, 9, Map.of("c_added", "'123456789.125'", "c_added_arr", "'{sad,ok}'")),
          "UPDATE " + table + " SET c_added = -0.001, c_added_arr = '{happy}' WHERE id = 4",
          "ALTER TABLE " + table + " DROP COLUMN c_money",
          insert(table, 10, without(edges(pg, mood), "c_money")),
          "UPDATE " + table + " SET c_int2 = 7 WHERE id IN (4, 7)",
          "DELETE FROM " + table + " WHERE id = 5");
      p.awaitCopyEqual(table, TIMEOUT);

      // The sink never drops a column: the copy keeps c_money; every other type is the same.
      assertThat(
              TableComparison.typeDifferences(pg, "public." + table, "public." + table + "_copy"))
          .containsExactly("c_money: only in public." + table + "_copy (money)");
      assertThat(countRows(pg, table)).isEqualTo(7);
    }
  }

  /** An update of row 7 that left both large values out of {@code after} and named them. */
  private static boolean leftLargeOut(JsonNode value) {
    JsonNode payload = value.path("payload");
    java.util.Set<String> unchanged = new java.util.HashSet<>();
    payload.path("source").path("unchanged_toast_columns").forEach(c -> unchanged.add(c.asText()));
    return payload.path("op").asText().equals("u")
        && payload.path("after").path("id").asLong() == 7
        && unchanged.equals(java.util.Set.of("c_big_text", "c_big_bytea"))
        && !payload.path("after").has("c_big_text")
        && !payload.path("after").has("c_big_bytea");
  }

  /** TOASTed values of over 1 MB that do not compress: random text and random bytes. */
  private static Map<String, String> large() {
    return Map.of(
        "c_int4", "1",
        "c_text", "'small'",
        "c_name", "'large'",
        "c_big_text", "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 40000))",
        "c_big_bytea",
            "(SELECT decode(string_agg(md5(random()::text), ''), 'hex')"
                + " FROM generate_series(1, 70000))");
  }

  private static Map<String, String> without(Map<String, String> values, String column) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove(column);
    return copy;
  }

  /** Every column but the key set to NULL. */
  private static Map<String, String> nulls(Map<String, String> columns) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String c : columns.keySet()) {
      v.put(c, "NULL");
    }
    return v;
  }

  private static String update(String table, long id, Map<String, String> values) {
    List<String> sets = new ArrayList<>();
    values.forEach((name, value) -> sets.add(name + " = " + value));
    return "UPDATE public." + table + " SET " + String.join(", ", sets) + " WHERE id = " + id;
  }

  private static long countRows(PostgresServer pg, String table) throws SQLException {
    try (var c = pg.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM public." + table + "_copy")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
