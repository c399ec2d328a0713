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
   * Waits until connector {@code name} runs and its task listens on every channel (see {@link
   * #awaitListening}); returns the pid of its connection.
   */
  static int awaitRunningAndListening(ConnectCluster cluster, String name) {
    cluster.rest().awaitRunning(name, TIMEOUT);
    return awaitListening(cluster, name, 0);
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
   * Waits until the task of connector {@code name} says that it listens on every channel, on a
   * connection other than {@code notPid}, and returns that connection's server process id.
   *
   * <p>The proof is the task's own log line, written once every LISTEN on the connection has
   * returned, about the connection it goes on reading. The server's view is no proof: a session
   * idle after a LISTEN (pg_stat_activity) may have LISTENs for more channels still to run, or be
   * one the task is dropping because the LISTEN's answer came later than
   * connection.socket.timeout.ms; a notification sent then is missed, as NOTIFY allows.
   */
  static int awaitListening(ConnectCluster cluster, String name, int notPid) {
    NotifyTaskLog log = new NotifyTaskLog(cluster.worker().process().logFile(), name);
    int[] pid = {0};
    Deadline.in(TIMEOUT)
        .await(
            "connector " + name + " to listen",
            () -> {
              pid[0] = log.listeningPid();
              return pid[0] != 0 && pid[0] != notPid;
            },
            () ->
                "its task did not log \"Listening on\" (server process not "
                    + notPid
                    + ") in "
                    + log.file());
    return pid[0];
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
