package io.pgcdc.it.notify;

import static io.pgcdc.it.notify.NotifyFixture.TIMEOUT;
import static io.pgcdc.it.notify.NotifyFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The durable twin of docs/notify.md as shipped in config/pgcdc-notify-durable.json: messages that
 * an ordinary role emits with pg_logical_emit_message reach the CDC source's messages topic as op m
 * records, committed ones only, content unchanged.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyDurableTwinIT {
  private static final String PAYLOAD = "{\"id\": 1,\n \"note\": \"ünï 😀 'q' \\\"dq\\\"\"}";

  @Test
  void committedMessagesOfAnOrdinaryRoleArriveAsOpMRecords(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_durable");
    String table = name + "_events";
    String role = name + "_role";
    pg.execute(
        "CREATE TABLE public." + table + " (id bigint PRIMARY KEY)",
        "CREATE ROLE " + role + " LOGIN PASSWORD 'ordinary-pw'");
    ConnectorDefinition def =
        ConnectorDefinition.fromConfigDir("pgcdc-notify-durable.json")
            .withName(name)
            .withConnection(pg.host(), pg.port(), pg.database(), pg.user())
            .with("table.include.list", "public." + table)
            .with("topic.prefix", name);
    cluster.rest().create(def);
    try {
      cluster.rest().awaitRunning(name, TIMEOUT);
      awaitSlot(pg, "pgcdc_" + name, true);
      try (Connection c = as(pg, role, "ordinary-pw")) {
        c.setAutoCommit(false);
        emit(c, PAYLOAD);
        c.commit();
        emit(c, "rolled back");
        c.rollback();
        emit(c, "second");
        c.commit();
      }

      List<ConsumerRecord<String, String>> records =
          NotifyFixture.read(cluster, name + ".messages", 2);

      JsonNode first = payload(records.get(0).value());
      assertThat(first.path("op").asText()).isEqualTo("m");
      assertThat(first.path("message").path("prefix").asText()).isEqualTo("demo_events");
      assertThat(first.path("message").path("transactional").asBoolean()).isTrue();
      assertThat(content(first)).isEqualTo(PAYLOAD);
      assertThat(payload(records.get(0).key()).path("prefix").asText()).isEqualTo("demo_events");
      assertThat(content(payload(records.get(1).value()))).isEqualTo("second");
    } finally {
      cluster.rest().delete(name); // cleanup.on.delete drops the slot and the publication
      awaitSlot(pg, "pgcdc_" + name, false);
      pg.execute("DROP TABLE IF EXISTS public." + table, "DROP ROLE IF EXISTS " + role);
    }
  }

  private static String content(JsonNode value) {
    byte[] bytes = Base64.getDecoder().decode(value.path("message").path("content").asText());
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void emit(Connection c, String content) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_logical_emit_message(true, 'demo_events', ?)")) {
      ps.setString(1, content);
      ps.executeQuery().close();
    }
  }

  private static Connection as(PostgresServer pg, String user, String password)
      throws SQLException {
    Properties p = new Properties();
    p.put("user", user);
    p.put("password", password);
    return DriverManager.getConnection(pg.jdbcUrl(), p);
  }

  /** Waits until the slot exists and is read ({@code present}), or until it is gone. */
  private static void awaitSlot(PostgresServer pg, String slot, boolean present) {
    Deadline.in(TIMEOUT)
        .await(
            "slot " + slot + (present ? " to be read" : " to be dropped"),
            () -> slotActive(pg, slot) == (present ? Boolean.TRUE : null),
            () -> "slot state: " + slotActive(pg, slot));
  }

  /** Whether the slot is active; null when there is no such slot. */
  private static Boolean slotActive(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
