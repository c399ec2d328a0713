package io.pgcdc.it.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What the notify ITs share: the shipped config, sending, finding the listener, reading topics. */
final class NotifyFixture {
  static final String CONNECTOR = "io.pgcdc.connector.notify.PostgresNotifySourceConnector";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private NotifyFixture() {}

  /**
   * The shipped notify config pointed at {@code pg}, named {@code name}, topics {@code
   * name.CHANNEL}.
   */
  static ConnectorDefinition notifySource(PostgresServer pg, String name, String channels) {
    return ConnectorDefinition.fromConfigDir("pgcdc-notify.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("channels", channels)
        .with("topic.template", name + ".${channel}");
  }

  /**
   * Waits until connector {@code name} runs and its task listens (see {@link #awaitListening});
   * returns the pid of its connection.
   */
  static int awaitRunningAndListening(ConnectCluster cluster, PostgresServer pg, String name) {
    cluster.rest().awaitRunning(name, TIMEOUT);
    return awaitListening(pg, name, 0);
  }

  /** Sends each payload on {@code channel} from a new connection, in order, each committed. */
  static void send(PostgresServer pg, String channel, String... payloads) throws SQLException {
    try (Connection c = pg.connect()) {
      for (String payload : payloads) {
        send(c, channel, payload);
      }
    }
  }

  /** {@code pg_notify(channel, payload)} on {@code c}, committed; the payload as a parameter. */
  static void send(Connection c, String channel, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  static int backendPid(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Waits until the task of connector {@code name} has a connection other than {@code notPid} that
   * is idle after its LISTENs (its last statement a LISTEN or the check), and returns its pid.
   */
  static int awaitListening(PostgresServer pg, String name, int notPid) {
    int[] pid = {0};
    Deadline.in(TIMEOUT)
        .await(
            "connector " + name + " to listen",
            () -> {
              pid[0] = listeningPid(pg, "pgcdc-notify-" + name, notPid);
              return pid[0] != 0;
            },
            () -> "no idle listening backend with application_name pgcdc-notify-" + name);
    return pid[0];
  }

  private static int listeningPid(PostgresServer pg, String application, int notPid) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND pid <> ?"
                    + " AND state = 'idle' AND (query LIKE 'LISTEN %'"
                    + " OR query LIKE 'SELECT pg_catalog.pg_notification_queue_usage()%')")) {
      ps.setString(1, application);
      ps.setInt(2, notPid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      return 0;
    }
  }

  /** The first {@code count} records of {@code topic}. */
  static List<ConsumerRecord<String, String>> read(
      ConnectCluster cluster, String topic, int count) {
    return TopicReader.read(cluster.bootstrapServers(), topic, count, TIMEOUT);
  }

  /** The payload part of what the JSON converter wrote (schema and payload). */
  static JsonNode payload(String json) {
    try {
      return JSON.readTree(json).path("payload");
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }

  /** A header's bytes as text, as the worker's header converter wrote them; null when absent. */
  static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
