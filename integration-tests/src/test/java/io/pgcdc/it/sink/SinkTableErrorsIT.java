package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static io.pgcdc.it.sink.SinkFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An error that belongs to one target table (the sink's role may not write it, or may not alter
 * it): with errors.tolerance=all that table's records go to the dead letter queue with the
 * SQLSTATE, and the other tables of the batch are written; without, the task stops naming the
 * table.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkTableErrorsIT {
  private static final List<Envelopes.Column> COLUMNS =
      List.of(key("id", "int64", "bigint"), column("qty", "string", "integer"));

  /** The sink's own role, which may write the tables granted to it and nothing else. */
  private record Role(String name, String password) {}

  private static Role createRole(PostgresServer pg) {
    Role role = new Role(pg.uniqueName("sink_role"), "pw-" + UUID.randomUUID());
    pg.execute("CREATE ROLE " + role.name() + " LOGIN PASSWORD '" + role.password() + "'");
    return role;
  }

  /**
   * Drops the role once the stopped task's session (which owns its temporary staging tables) has
   * gone: DROP ROLE fails while the role owns anything.
   */
  private static void dropRole(PostgresServer pg, Role role) {
    Deadline.in(SinkFixture.TIMEOUT)
        .await(
            "role " + role.name() + " dropped",
            () -> {
              try {
                pg.execute("DROP ROLE IF EXISTS " + role.name());
                return true;
              } catch (RuntimeException e) {
                return false;
              }
            },
            () -> "the role still owns objects");
  }

  /** A table that another role owns; granted to the sink's role when {@code grant}. */
  private static String ownedByOthers(SinkFixture f, String table, Role role, boolean grant) {
    f.createTable(table, "(id bigint PRIMARY KEY, qty integer)");
    if (grant) {
      f.pg.execute(
          "GRANT SELECT, INSERT, UPDATE, DELETE ON public." + table + " TO " + role.name());
    }
    return table;
  }

  /**
   * The sink as the role, with an offsets ledger table of its own that the role may write (another
   * role owns it, as the target tables).
   */
  private static ConnectorDefinition as(SinkFixture f, Role role) {
    String ledger = f.createTable(f.name + "_offsets", LEDGER_COLUMNS);
    f.pg.execute("GRANT SELECT, INSERT, UPDATE ON public." + ledger + " TO " + role.name());
    return f.connector()
        .withConnection(f.pg.host(), f.pg.port(), f.pg.database(), role.name(), role.password())
        .with("table.name.format", "${source.schema}.${source.table}")
        .with("auto.create", "false")
        .with("offsets.table", "public." + ledger);
  }

  private static final String LEDGER_COLUMNS =
      "(connector text NOT NULL, topic text NOT NULL, kafka_partition integer NOT NULL,"
          + " kafka_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (connector, topic, kafka_partition))";

  private static List<String> ledger(SinkFixture f) {
    return f.rows("SELECT kafka_offset FROM public." + f.name + "_offsets");
  }

  @Test
  void underToleranceATableTheRoleMayNotWriteGoesToTheDeadLetterQueueAndTheOthersAreWritten(
      ConnectCluster cluster, PostgresServer pg) {
    Role role = createRole(pg);
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_denied")) {
      String ok = ownedByOthers(f, f.name + "_ok", role, true);
      String denied = ownedByOthers(f, f.name + "_denied", role, false);
      String narrow = ownedByOthers(f, f.name + "_narrow", role, true);
      Envelopes okRows = new Envelopes("public", ok, COLUMNS);
      Envelopes deniedRows = new Envelopes("public", denied, COLUMNS);
      // A column the table lacks: auto.evolve would add it, but only the owner may.
      Envelopes wideRows =
          Envelopes.inPublic(
              narrow,
              key("id", "int64", "bigint"),
              column("qty", "string", "integer"),
              column("note", "string", "text"));
      f.produce(
          List.of(
              okRows.insert(row("id", 1, "qty", "10")),
              deniedRows.insert(row("id", 1, "qty", "11")),
              okRows.insert(row("id", 2, "qty", "20")),
              wideRows.insert(row("id", 1, "qty", "12", "note", "n")),
              deniedRows.insert(row("id", 2, "qty", "21")),
              okRows.insert(row("id", 3, "qty", "30")),
              // A bad record of its own in the same batch reaches the dead letter queue too.
              new String[] {
                okRows.key(row("id", 4)), "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}"
              }));

      f.start(as(f, role).with("auto.evolve", "true").with(f.deadLetterQueue()));

      f.awaitRows("SELECT id, qty FROM " + ok + " ORDER BY id", List.of("1|10", "2|20", "3|30"));
      List<ConsumerRecord<String, String>> dead = f.deadLetters(4);
      assertThat(dead.stream().map(r -> header(r, "__connect.errors.offset")))
          .containsExactly("1", "3", "4", "6");
      for (ConsumerRecord<String, String> r : List.of(dead.get(0), dead.get(2))) {
        assertThat(header(r, "__connect.errors.exception.message"))
            .contains("to table public." + denied, "permission denied", "SQLSTATE 42501");
      }
      assertThat(header(dead.get(1), "__connect.errors.exception.message"))
          .contains("to table public." + narrow, "must be owner", "SQLSTATE 42501");
      assertThat(header(dead.get(3), "__connect.errors.exception.message"))
          .contains("offset 6", "not a struct or a JSON object");
      f.awaitCommittedOffset(f.name, 7);
      // Written table by table, then the bad records sent: only then does the ledger move.
      f.awaitRows("SELECT kafka_offset FROM public." + f.name + "_offsets", List.of("6"));
      assertThat(cluster.rest().status(f.name).running()).isTrue();
    } finally {
      dropRole(pg, role);
    }
  }

  @Test
  void withoutToleranceTheTaskStopsNamingTheTable(ConnectCluster cluster, PostgresServer pg) {
    Role role = createRole(pg);
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_denied_fail")) {
      String ok = ownedByOthers(f, f.name + "_ok", role, true);
      String denied = ownedByOthers(f, f.name + "_denied", role, false);
      f.produce(
          List.of(
              new Envelopes("public", ok, COLUMNS).insert(row("id", 1, "qty", "10")),
              new Envelopes("public", denied, COLUMNS).insert(row("id", 1, "qty", "11")),
              new Envelopes("public", ok, COLUMNS).insert(row("id", 2, "qty", "20"))));

      ConnectorStatus status = f.startFailing(as(f, role));

      assertThat(status.traces())
          .contains(
              "topic " + f.topic + ", partition 0, offset 1",
              "to table public." + denied,
              "permission denied",
              "SQLSTATE 42501");
      // Records before the bad one may be written; none after it.
      assertThat(f.rows("SELECT id FROM " + ok + " WHERE id >= 2")).isEmpty();
      assertThat(ledger(f)).as("the ledger stays before the bad record").isSubsetOf("-1", "0");
    } finally {
      dropRole(pg, role);
    }
  }
}
