package io.pgcdc.it.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Validation through the REST API: live checks of the statements, the ledger, the connection. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class StatementValidationIT {
  @Test
  void statementsArePreparedOnTheServerAndTheirParametersChecked(
      ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_val")) {
      String table = f.name + "_t";
      f.create("CREATE TABLE " + table + " (id int, note text)", "DROP TABLE " + table);
      ConnectorDefinition good =
          f.connector()
              .with("statement", "INSERT INTO " + table + " VALUES (:value.id, :value.note)")
              .with("statement.tombstone", "DELETE FROM " + table + " WHERE id = :key.id");

      assertThat(f.validationErrors(good)).isEmpty();
      assertThat(
              f.validationErrors(
                  good.with("statement", "INSERT INTO " + f.name + "_missing VALUES (:value.id)")))
          .containsOnlyKeys("statement")
          .extractingByKey("statement")
          .asString()
          .contains("does not prepare on the server", "42P01", f.name + "_missing");
      assertThat(
              f.validationErrors(
                  good.with(
                      "statement.update",
                      "UPDATE "
                          + table
                          + " SET note = 'x';"
                          + " UPDATE "
                          + table
                          + " SET nope = :value.note")))
          .extractingByKey("statement.update")
          .asString()
          .contains("Statement 2 of statement.update", "42703", "nope");
      assertThat(f.validationErrors(good.with("statement", "SELECT :amount")))
          .extractingByKey("statement")
          .asString()
          .contains("unknown parameter :amount", ":value.amount");
      assertThat(
              f.validationErrors(
                  good.with(
                      "statement.tombstone", "DELETE FROM " + table + " WHERE id = :value.id")))
          .extractingByKey("statement.tombstone")
          .asString()
          .contains(":value.id", "has no value in a tombstone", "missing.field.mode=null");
      assertThat(f.validationErrors(good.without("statement").without("statement.tombstone")))
          .extractingByKey("statement")
          .asString()
          .contains("give the SQL to run");
    }
  }

  @Test
  void aLedgerTheUserCannotCreateAndAFailedLoginSayWhatToDo(
      ConnectCluster cluster, PostgresServer pg) {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_val_ledger")) {
      String role = f.name + "_role";
      String schema = f.name + "_locked";
      String password = "pw-" + UUID.randomUUID();
      f.create("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'", "DROP ROLE " + role);
      f.create(
          "CREATE SCHEMA " + schema + "; GRANT USAGE ON SCHEMA " + schema + " TO " + role,
          "DROP SCHEMA " + schema + " CASCADE");
      ConnectorDefinition def =
          f.connector()
              .withConnection(pg.host(), pg.port(), pg.database(), role, password)
              .with("statement", "SELECT 1")
              .with("offsets.table", schema + ".ledger");

      Map<String, String> errors = f.validationErrors(def);
      String secret = "wrong-" + UUID.randomUUID();
      Map<String, String> badPassword = f.validationErrors(def.with("connection.password", secret));
      pg.execute("GRANT CREATE ON SCHEMA " + schema + " TO " + role);
      Map<String, String> granted = f.validationErrors(def);

      assertThat(errors).containsOnlyKeys("offsets.table");
      assertThat(errors.get("offsets.table"))
          .contains(
              "may not create the ledger table",
              "GRANT CREATE ON SCHEMA \"" + schema + "\" TO \"" + role + "\"",
              "exactly.once=false");
      assertThat(badPassword).containsOnlyKeys("connection.password");
      assertThat(badPassword.get("connection.password"))
          .contains("password authentication failed", "connection.user")
          .doesNotContain(secret);
      assertThat(granted).isEmpty();
    }
  }
}
