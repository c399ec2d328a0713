package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Updates that left unchanged TOAST columns out (listed in source.unchanged_toast_columns) never
 * overwrite those columns, whether the earlier value is in the table or in the same batch.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkToastIT {

  @Test
  void unchangedToastColumnsKeepTheirValues(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_toast")) {
      String table =
          f.createTable(
              f.name, "(id bigint PRIMARY KEY, name text, doc jsonb, body text, blob bytea)");
      // Row 1 was written earlier, straight into the table; row 2 arrives in the same batch.
      pg.execute(
          "INSERT INTO public."
              + table
              + " VALUES (1, 'old', '{\"big\": 1}', repeat('x', 100000), '\\x0102')");
      Envelopes rows =
          Envelopes.inPublic(
              table,
              key("id", "int64", "bigint"),
              column("name", "string", "text"),
              column("doc", "string", "jsonb"),
              column("body", "string", "text"),
              column("blob", "bytes", "bytea"));
      f.produce(
          List.of(
              rows.toastUpdate(row("id", 1, "name", "new", "blob", "Aw=="), Set.of("doc", "body")),
              rows.insert(
                  row("id", 2, "name", "a", "doc", "{\"big\": 2}", "body", "yyy", "blob", null)),
              rows.toastUpdate(row("id", 2, "name", "b"), Set.of("doc", "body", "blob")),
              rows.toastUpdate(
                  row("id", 1, "name", "newer", "doc", "{\"big\": 3}"), Set.of("body", "blob"))));

      f.start(f.sourceTableConnector());

      f.awaitRows(
          "SELECT id, name, doc, length(body), blob FROM " + table + " ORDER BY id",
          List.of("1|newer|{\"big\": 3}|100000|\\x03", "2|b|{\"big\": 2}|3|null"));
    }
  }
}
