package io.pgcdc.it.notify;

import static io.pgcdc.it.notify.NotifyFixture.TIMEOUT;
import static io.pgcdc.it.notify.NotifyFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * payload.format=json: payloads parsed, a JSON field as key; a payload that is not JSON goes to the
 * dead letter topic unchanged with the parse error (errors.tolerance=all), or fails the task naming
 * channel and sender (errors.tolerance=none).
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyJsonIT {
  @Test
  void jsonPayloadsAreParsedAndOneThatIsNotGoesToTheDeadLetterTopic(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_json");
    String channel = name + "_c";
    String dlq = name + ".dlq";
    cluster
        .rest()
        .create(
            NotifyFixture.notifySource(pg, name, channel)
                .with("payload.format", "json")
                .with("key.mode", "field")
                .with("key.field", "id")
                .with("errors.tolerance", "all")
                .with("errors.deadletterqueue.topic.name", dlq));
    try {
      NotifyFixture.awaitRunningAndListening(cluster, name);
      NotifyFixture.send(
          pg,
          channel,
          "{\"id\": 7, \"note\": \"a\\nb\", \"tags\": [1, 2.5]}",
          "not json {",
          "{\"id\": \"k2\"}");

      List<ConsumerRecord<String, String>> records =
          NotifyFixture.read(cluster, name + "." + channel, 2);
      List<ConsumerRecord<String, String>> dead = NotifyFixture.read(cluster, dlq, 1);

      JsonNode first = payload(records.get(0).value());
      assertThat(payload(records.get(0).key()).asText()).isEqualTo("7");
      assertThat(first.path("payload").path("note").asText()).isEqualTo("a\nb");
      assertThat(first.path("payload").path("tags").path(1).asDouble()).isEqualTo(2.5);
      assertThat(payload(records.get(1).key()).asText()).isEqualTo("k2");
      assertThat(payload(dead.get(0).value()).asText()).isEqualTo("not json {");
      assertThat(NotifyFixture.header(dead.get(0), "__connect.errors.exception.message"))
          .contains("not JSON at line 1");
      assertThat(NotifyFixture.header(dead.get(0), "__connect.errors.topic"))
          .contains(name + "." + channel);
    } finally {
      cluster.rest().delete(name);
    }
  }

  @Test
  void withoutToleranceAPayloadThatIsNotJsonFailsTheTaskSayingWhich(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_json_fail");
    String channel = name + "_c";
    cluster
        .rest()
        .create(NotifyFixture.notifySource(pg, name, channel).with("payload.format", "json"));
    try {
      NotifyFixture.awaitRunningAndListening(cluster, name);
      int sender;
      try (Connection c = pg.connect()) {
        sender = NotifyFixture.backendPid(c);
        NotifyFixture.send(c, channel, "<xml/>");
      }

      ConnectorStatus status = cluster.rest().awaitFailed(name, TIMEOUT);

      assertThat(status.traces())
          .contains("channel '" + channel + "'", "server process " + sender, "not JSON")
          .contains("errors.tolerance=all");
    } finally {
      cluster.rest().delete(name);
    }
  }
}
