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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A lost connection is retried: the batch is written whole, once, and the task keeps running. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkRetryIT {

  @Test
  void aKilledConnectionIsReopenedAndTheBatchWrittenOnce(
      ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_retry")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, n integer)");
      Envelopes rows =
          Envelopes.inPublic(table, key("id", "int64", "bigint"), column("n", "int32", "integer"));
      List<String[]> first = new ArrayList<>();
      for (int id = 1; id <= 100; id++) {
        first.add(rows.insert(row("id", id, "n", 1)));
      }
      f.produce(first);
      f.start(f.sourceTableConnector().with("retry.backoff.ms", "100"));
      f.awaitRows("SELECT count(*), sum(n) FROM " + table, List.of("100|100"));

      List<String> killed =
          f.rows(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
                  + " 'pgcdc-sink "
                  + f.name
                  + "'");
      List<String[]> second = new ArrayList<>();
      for (int id = 1; id <= 200; id++) {
        second.add(rows.insert(row("id", id, "n", 2)));
      }
      f.produce(second);

      assertThat(killed).containsExactly("t");
      f.awaitRows("SELECT count(*), sum(n) FROM " + table, List.of("200|400"));
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    }
  }
}
