package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delete and the create of a key change in different batches: the delete (and its tombstone)
 * leaves the row, and the create moves it with the value it left out. Our source's create names the
 * old key in {@code before}; Debezium's in the header {@code __debezium.oldkey}, with its
 * placeholder for the value left out.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkKeyMoveIT {
  private static final String NEW_KEY = "__debezium.newkey";
  private static final String OLD_KEY = "__debezium.oldkey";

  @Test
  void keyChangeSplitOverTwoBatchesKeepsTheValueItLeftOut(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_keymove")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, name text, big text)");
      pg.execute("INSERT INTO public." + table + " VALUES (1, 'old', repeat('x', 10000))");
      Envelopes rows =
          Envelopes.inPublic(
              table,
              key("id", "int64", "bigint"),
              column("name", "string", "text"),
              column("big", "string", "text"));
      String query = "SELECT id, name, length(big) FROM public." + table + " ORDER BY id";
      // A fixed table name: tombstones delete by key, unless they belong to a key change.
      f.start(f.connector().with("table.name.format", "public." + table));

      f.produce(
          List.of(
              with(rows.delete(row("id", 1)), NEW_KEY, "{\"id\":2}"),
              with(rows.tombstone(row("id", 1)), NEW_KEY, "{\"id\":2}")));
      f.awaitCommittedOffset(f.name, 2);
      assertThat(f.rows(query)).containsExactly("1|old|10000");

      f.produce(
          List.<String[]>of(
              with(
                  rows.keyChangeCreate(
                      row("id", 1, "name", null, "big", null),
                      row("id", 2, "name", "moved"),
                      Set.of("big")),
                  OLD_KEY,
                  "{\"id\":1}")));
      f.awaitRows(query, List.of("2|moved|10000"));

      // Debezium's key change: no before, the old key in a header, a placeholder for big.
      f.produce(
          List.of(
              with(rows.delete(row("id", 2)), NEW_KEY, "{\"id\":3}"),
              with(rows.tombstone(row("id", 2)), NEW_KEY, "{\"id\":3}")));
      f.awaitCommittedOffset(f.name, 5);
      f.produce(
          List.<String[]>of(
              with(
                  rows.insert(row("id", 3, "name", "again", "big", "__debezium_unavailable_value")),
                  OLD_KEY,
                  "{\"id\":2}")));
      f.awaitRows(query, List.of("3|again|10000"));
    }
  }

  /**
   * Records written again after a restart, in one batch, while the table holds the rows where the
   * first write left them: row a at key 2 (moved 1 to 2, then 2 to 3), row b at key 5 (moved 4 to 5
   * and back). Each key change takes the row from where the one before left it; reduced into one
   * move from the first key, the batch deleted the rows at 2 and 5 and kept nothing.
   */
  @Test
  void keyChangesWrittenAgainInOneBatchFindTheRowWhereTheFirstWriteLeftIt(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_keymove_again")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, name text, big text)");
      pg.execute(
          "INSERT INTO public." + table + " VALUES (2, 'two', repeat('a', 10000))",
          "INSERT INTO public." + table + " VALUES (5, 'five', repeat('b', 20000))");
      Envelopes rows =
          Envelopes.inPublic(
              table,
              key("id", "int64", "bigint"),
              column("name", "string", "text"),
              column("big", "string", "text"));
      String query = "SELECT id, name, length(big) FROM public." + table + " ORDER BY id";
      // One batch for all records: they arrive within the linger time.
      f.start(
          f.connector()
              .with("table.name.format", "public." + table)
              .with("batch.linger.ms", "5000"));

      List<String[]> records = new ArrayList<>();
      records.addAll(keyChange(rows, 1, 2, "two"));
      records.addAll(keyChange(rows, 4, 5, "five"));
      records.addAll(keyChange(rows, 2, 3, "three"));
      records.addAll(keyChange(rows, 5, 4, "back"));
      f.produce(records);
      f.awaitCommittedOffset(f.name, records.size());

      assertThat(f.rows(query)).containsExactly("3|three|10000", "4|back|20000");
    }
  }

  /** A key change of our source: the delete and tombstone of the old key, the create. */
  private static List<String[]> keyChange(Envelopes rows, long from, long to, String name) {
    String newKey = "{\"id\":" + to + "}";
    return List.of(
        with(rows.delete(row("id", from)), NEW_KEY, newKey),
        with(rows.tombstone(row("id", from)), NEW_KEY, newKey),
        rows.keyChangeCreate(
            row("id", from, "name", null, "big", null),
            row("id", to, "name", name),
            Set.of("big")));
  }

  private static String[] with(String[] keyValue, String header, String value) {
    String[] withHeader = Arrays.copyOf(keyValue, keyValue.length + 2);
    withHeader[keyValue.length] = header;
    withHeader[keyValue.length + 1] = value;
    return withHeader;
  }
}
