package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** auto.create and auto.evolve: tables and columns made from the records, never narrowed. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkSchemaEvolutionIT {

  @Test
  void createsTheTableThenAddsANewColumn(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_evolve")) {
      String table = f.table(f.name);
      Envelopes v1 =
          Envelopes.inPublic(table, key("id", "int64", "bigint"), column("name", "string", "text"));
      Envelopes v2 =
          Envelopes.inPublic(
              table,
              key("id", "int64", "bigint"),
              column("name", "string", "text"),
              column("price", "string", "numeric(8,2)"),
              column("seen", "string", "timestamp with time zone"));
      f.produce(
          List.of(
              v1.insert(row("id", 1, "name", "one")),
              v2.insert(
                  row("id", 2, "name", "two", "price", "9.99", "seen", "2024-05-01 12:00:00+02")),
              v1.update(row("id", 2, "name", "TWO"))));

      f.start(f.sourceTableConnector().with("auto.create", "true").with("auto.evolve", "true"));

      f.awaitRows(
          "SELECT id, name, price, seen FROM " + table + " ORDER BY id",
          List.of("1|one|null|null", "2|TWO|9.99|2024-05-01 10:00:00+00"));
      assertThat(
              f.rows(
                  "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM"
                      + " pg_attribute a WHERE a.attrelid = 'public."
                      + table
                      + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"))
          .containsExactly(
              "id|bigint|t",
              "name|text|f",
              "price|numeric(8,2)|f",
              "seen|timestamp with time zone|f");
    }
  }

  @Test
  void stopsOnATypeTheColumnCannotHoldAndSaysHowToFixIt(ConnectCluster cluster, PostgresServer pg) {
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_narrow")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, qty integer)");
      Envelopes wider =
          Envelopes.inPublic(table, key("id", "int64", "bigint"), column("qty", "int64", "bigint"));
      f.produce(List.<String[]>of(wider.insert(row("id", 1, "qty", 5_000_000_000L))));

      ConnectorStatus status = f.startFailing(f.sourceTableConnector().with("auto.evolve", "true"));

      assertThat(status.traces())
          .contains(
              "column qty of table public." + table,
              "has type integer",
              "declare bigint",
              "ALTER TABLE \"public\".\"" + table + "\" ALTER COLUMN \"qty\" TYPE bigint");
      assertThat(f.rows("SELECT count(*) FROM " + table)).containsExactly("0");
    }
  }
}
