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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * exactly.once on the upsert sink: the offsets ledger in the target database, not Kafka's committed
 * offsets, decides where a task starts, and says what was written. (Crashes and rebalances with the
 * ledger on, its default, are the business of the fault suites.)
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkExactlyOnceIT {

  @Test
  void theLedgerDecidesWhereTheSinkStartsAndHoldsTheLastOffsetWritten(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_eos")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, n integer)");
      String ledger = f.table(f.name + "_offsets");
      pg.execute(
          "CREATE TABLE public."
              + ledger
              + " (connector text NOT NULL, topic text NOT NULL, kafka_partition integer NOT NULL,"
              + " kafka_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
              + " PRIMARY KEY (connector, topic, kafka_partition))",
          // as if offsets 0 to 4 had been written by this connector before
          "INSERT INTO public."
              + ledger
              + " VALUES ('"
              + f.name
              + "', '"
              + f.topic
              + "', 0, 4, now())");
      Envelopes rows =
          Envelopes.inPublic(table, key("id", "int64", "bigint"), column("n", "int32", "integer"));
      List<String[]> records = new ArrayList<>();
      for (int id = 1; id <= 10; id++) {
        records.add(rows.insert(row("id", id, "n", id)));
      }
      f.produce(records);

      f.start(
          f.sourceTableConnector()
              .with("offsets.table", "public." + ledger)
              // A transform renaming the topic: the ledger keeps the topic the records came from.
              .with("transforms", "route")
              .with("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter")
              .with("transforms.route.regex", ".*")
              .with("transforms.route.replacement", "renamed"));

      f.awaitRows(
          "SELECT topic, kafka_offset FROM public."
              + ledger
              + " WHERE connector = '"
              + f.name
              + "'",
          List.of(f.topic + "|9"));
      assertThat(f.rows("SELECT id FROM " + table + " ORDER BY id"))
          .as("the records the ledger says were written are not written again")
          .containsExactly("6", "7", "8", "9", "10");
    }
  }

  @Test
  void validationNamesALedgerTableTheUserCannotHave(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_eos_validate")) {
      Map<String, String> errors =
          f.validationErrors(Map.of("offsets.table", "no_such_schema.offsets"));
      assertThat(errors.get("offsets.table"))
          .contains("\"no_such_schema\"", "does not exist", "exactly.once=false");
      assertThat(f.validationErrors(Map.of("exactly.once", "false"))).isEmpty();
    }
  }
}
