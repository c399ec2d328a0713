package io.pgcdc.it.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What the cleanup ITs share: the source under test, its table, and the slot as the server sees it.
 */
final class CleanupFixtures {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private CleanupFixtures() {}

  static ConnectorDefinition source(PostgresServer pg, String name) {
    return ConnectorDefinition.fromConfigDir("pgcdc-source.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("table.include.list", "public." + name)
        .with("topic.prefix", name);
  }

  static void createTable(PostgresServer pg, String table) {
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
        "INSERT INTO " + table + " VALUES (1, 'before the connector')");
  }

  /** The default slot and publication name of a connector. */
  static String slot(String connector) {
    return "pgcdc_" + connector;
  }

  static void ok(ConnectRestClient.Response response) {
    assertThat(response.ok()).as("answer %s: %s", response.status(), response.body()).isTrue();
  }

  /** Waits for the connector's state; a status the worker has not written yet (404) is none. */
  static void awaitState(ConnectRestClient rest, String name, String state) {
    String path = "connectors/" + name + "/status";
    Deadline.in(TIMEOUT)
        .await(
            "connector " + name + " to be " + state,
            () -> {
              ConnectRestClient.Response status = rest.send("GET", path, null);
              return status.ok()
                  && state.equals(status.json().path("connector").path("state").asText());
            },
            () -> rest.send("GET", path, null).body());
  }

  static void awaitSlotActive(PostgresServer pg, String slot) {
    Deadline.in(TIMEOUT)
        .await(
            "slot " + slot + " to be read",
            () -> Boolean.TRUE.equals(slotActive(pg, slot)),
            () -> "active: " + slotActive(pg, slot));
  }

  static void awaitSlotInactive(PostgresServer pg, String slot) {
    Deadline.in(TIMEOUT)
        .await(
            "slot " + slot + " to be let go",
            () -> Boolean.FALSE.equals(slotActive(pg, slot)),
            () -> "active: " + slotActive(pg, slot));
  }

  static boolean slotExists(PostgresServer pg, String slot) {
    return slotActive(pg, slot) != null;
  }

  /** Whether the slot is being read; null if there is no such slot. */
  static Boolean slotActive(PostgresServer pg, String slot) {
    return queryBoolean(pg, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
  }

  static boolean publicationExists(PostgresServer pg, String publication) {
    return queryBoolean(pg, "SELECT true FROM pg_publication WHERE pubname = ?", publication)
        != null;
  }

  static boolean backendExists(PostgresServer pg, int pid) {
    return queryBoolean(pg, "SELECT true FROM pg_stat_activity WHERE pid = ?::int", pid) != null;
  }

  static Boolean queryBoolean(PostgresServer pg, String sql, Object parameter) {
    try (Connection c = pg.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
