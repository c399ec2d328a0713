package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
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

  private static String[] with(String[] keyValue, String header, String value) {
    String[] withHeader = Arrays.copyOf(keyValue, keyValue.length + 2);
    withHeader[keyValue.length] = header;
    withHeader[keyValue.length + 1] = value;
    return withHeader;
  }
}
