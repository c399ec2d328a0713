package io.pgcdc.it.notify;

import static io.pgcdc.it.notify.NotifyFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Notifications arrive as records, payloads unchanged, on channels of any name, as an ordinary
 * login role; the sender's pid, the time received and the database come along.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyPayloadIT {
  /** 3,999 two-byte characters and one more byte: the largest payload NOTIFY takes. */
  private static final String LONGEST = "é".repeat(3999) + "x";

  private static final List<String> PAYLOADS =
      List.of(
          "line 1\nline 2\r\n\ttabbed",
          "it's \"quoted\" \\ with a backslash and {\"json\": 'like'}",
          "ünïcødé 😀 中文 עברית \u0001 \u007f",
          "",
          "  spaces at both ends  ",
          LONGEST);

  @Test
  void payloadsOnQuotedChannelsArriveUnchanged(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    assertThat(LONGEST.getBytes(StandardCharsets.UTF_8)).hasSize(7999);
    String name = pg.uniqueName("notify_payload");
    String role = name + "_role";
    String mixed = "Mixed Case, \"Quoted\" ü";
    String plain = name + "_plain";
    pg.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'ordinary-pw'");
    try {
      cluster
          .rest()
          .create(
              NotifyFixture.notifySource(pg, name, "\"Mixed Case, \"\"Quoted\"\" ü\", " + plain)
                  .withConnection(pg.host(), pg.port(), pg.database(), role, "ordinary-pw"));
      int listener = NotifyFixture.awaitRunningAndListening(cluster, name);

      int sender;
      long before = System.currentTimeMillis();
      try (Connection c = pg.connect()) {
        sender = NotifyFixture.backendPid(c);
        for (String p : PAYLOADS) {
          NotifyFixture.send(c, mixed, p);
        }
        NotifyFixture.send(c, plain, "plain");
      }
      long after = System.currentTimeMillis();

      List<ConsumerRecord<String, String>> records =
          NotifyFixture.read(cluster, name + ".Mixed_Case___Quoted___", PAYLOADS.size());
      for (int i = 0; i < PAYLOADS.size(); i++) {
        JsonNode v = payload(records.get(i).value());
        assertThat(v.path("payload").asText()).as("payload %d", i).isEqualTo(PAYLOADS.get(i));
        assertThat(v.path("kind").asText()).isEqualTo("notification");
        assertThat(v.path("channel").asText()).isEqualTo(mixed);
        assertThat(v.path("pid").asInt()).isEqualTo(sender).isNotEqualTo(listener);
        assertThat(v.path("database").asText()).isEqualTo(pg.database());
        // the worker and the test share the machine's clock
        assertThat(v.path("ts_ms").asLong()).isBetween(before, after + 60_000);
        assertThat(payload(records.get(i).key()).asText()).isEqualTo(mixed);
      }
      JsonNode plainValue =
          payload(NotifyFixture.read(cluster, name + "." + plain, 1).get(0).value());
      assertThat(plainValue.path("payload").asText()).isEqualTo("plain");
    } finally {
      cluster.rest().delete(name);
      pg.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  @Test
  void sqlNotifyFoldsUnquotedNamesAndTheConnectorListensOnTheExactName(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_case");
    cluster.rest().create(NotifyFixture.notifySource(pg, name, "\"Upper\", upper"));
    try {
      NotifyFixture.awaitRunningAndListening(cluster, name);
      try (Connection c = pg.connect()) {
        c.createStatement().execute("NOTIFY Upper, 'folded'"); // goes to channel upper
        c.createStatement().execute("NOTIFY \"Upper\", 'exact'");
      }

      JsonNode folded = payload(NotifyFixture.read(cluster, name + ".upper", 1).get(0).value());
      JsonNode exact = payload(NotifyFixture.read(cluster, name + ".Upper", 1).get(0).value());

      assertThat(folded.path("payload").asText()).isEqualTo("folded");
      assertThat(folded.path("channel").asText()).isEqualTo("upper");
      assertThat(exact.path("payload").asText()).isEqualTo("exact");
      assertThat(exact.path("channel").asText()).isEqualTo("Upper");
    } finally {
      cluster.rest().delete(name);
    }
  }
}
