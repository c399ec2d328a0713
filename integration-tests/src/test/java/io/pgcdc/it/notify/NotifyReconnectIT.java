package io.pgcdc.it.notify;

import static io.pgcdc.it.notify.NotifyFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.e2e.TcpProxy;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the listening connection is lost, the task reconnects, listens again and writes a gap record
 * per channel naming the window in which notifications may have been missed; so it does after a
 * restart of the task.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyReconnectIT {
  @Test
  void aTerminatedBackendGivesAGapRecordPerChannelAndListeningResumes(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_gap");
    String one = name + "_one";
    String two = name + "_two";
    long created = System.currentTimeMillis();
    cluster
        .rest()
        .create(
            NotifyFixture.notifySource(pg, name, one + "," + two).with("retry.backoff.ms", "100"));
    try {
      int first = NotifyFixture.awaitRunningAndListening(cluster, name);
      NotifyFixture.send(pg, one, "before");
      NotifyFixture.read(cluster, name + "." + one, 1);

      long cut = System.currentTimeMillis();
      pg.execute("SELECT pg_terminate_backend(" + first + ")");
      int second = NotifyFixture.awaitListening(cluster, name, first);
      NotifyFixture.send(pg, one, "after");
      NotifyFixture.send(pg, two, "after two");

      List<ConsumerRecord<String, String>> ones = NotifyFixture.read(cluster, name + "." + one, 3);
      List<ConsumerRecord<String, String>> twos = NotifyFixture.read(cluster, name + "." + two, 2);
      JsonNode before = payload(ones.get(0).value());
      JsonNode gap = payload(ones.get(1).value());
      JsonNode after = payload(ones.get(2).value());
      assertThat(second).isNotEqualTo(first);
      assertThat(before.path("payload").asText()).isEqualTo("before");
      assertThat(gap.path("kind").asText()).isEqualTo("gap");
      assertThat(gap.path("channel").asText()).isEqualTo(one);
      // The window holds the cut: it starts when the old connection last proved that it delivered
      // (its opening or a check: the time a notification arrived proves nothing of those committed
      // just before it), and ends when the new one listens, before "after" arrives.
      assertThat(gap.path("gap_from_ms").asLong()).isBetween(created, cut);
      assertThat(gap.path("gap_to_ms").asLong()).isBetween(cut, after.path("ts_ms").asLong());
      assertThat(gap.path("gap_reason").asText()).contains("connection lost");
      assertThat(after.path("payload").asText()).isEqualTo("after");
      assertThat(payload(twos.get(0).value()).path("kind").asText()).isEqualTo("gap");
      assertThat(payload(twos.get(1).value()).path("payload").asText()).isEqualTo("after two");
      assertThat(cluster.rest().status(name).running()).isTrue();
    } finally {
      cluster.rest().delete(name);
    }
  }

  @Test
  void aConnectionThatWentSilentIsFoundByTheCheckAndReplaced(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_silent");
    String channel = name + "_c";
    try (TcpProxy proxy = new TcpProxy(pg.host(), pg.port())) {
      cluster
          .rest()
          .create(
              NotifyFixture.notifySource(pg, name, channel)
                  .withConnection(
                      proxy.host(), proxy.port(), pg.database(), pg.user(), pg.password())
                  .with("connection.check.interval.ms", "500")
                  .with("connection.socket.timeout.ms", "2000")
                  .with("retry.backoff.ms", "100"));
      try {
        int first = NotifyFixture.awaitRunningAndListening(cluster, name);
        NotifyFixture.send(pg, channel, "before");
        NotifyFixture.read(cluster, name + "." + channel, 1);

        assertThat(proxy.silenceAll()).isEqualTo(1); // no reset, no end of stream: silence
        NotifyFixture.awaitListening(cluster, name, first);
        NotifyFixture.send(pg, channel, "after");

        List<ConsumerRecord<String, String>> records =
            NotifyFixture.read(cluster, name + "." + channel, 3);
        JsonNode gap = payload(records.get(1).value());
        assertThat(gap.path("kind").asText()).isEqualTo("gap");
        assertThat(gap.path("gap_reason").asText()).contains("connection lost");
        assertThat(payload(records.get(2).value()).path("payload").asText()).isEqualTo("after");
      } finally {
        cluster.rest().delete(name);
      }
    }
  }

  /**
   * The driver reads a notification's first byte with a timeout and the rest without: the task's
   * watchdog must end a read that a connection dead in the middle of a message keeps waiting.
   */
  @Test
  void aConnectionThatDiesInTheMiddleOfANotificationIsAbortedAndReplaced(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("notify_midway");
    String channel = name + "_c";
    try (TcpProxy proxy = new TcpProxy(pg.host(), pg.port())) {
      cluster
          .rest()
          .create(
              NotifyFixture.notifySource(pg, name, channel)
                  .withConnection(
                      proxy.host(), proxy.port(), pg.database(), pg.user(), pg.password())
                  .with("connection.check.interval.ms", "600000") // no check: the read is the test
                  .with("connection.socket.timeout.ms", "2000")
                  .with("retry.backoff.ms", "100"));
      try {
        int first = NotifyFixture.awaitRunningAndListening(cluster, name);
        long beforeStuck = System.currentTimeMillis();

        assertThat(proxy.silenceAfterOneByte()).isEqualTo(1);
        NotifyFixture.send(pg, channel, "stuck halfway");
        NotifyFixture.awaitListening(cluster, name, first);
        NotifyFixture.send(pg, channel, "after");

        List<ConsumerRecord<String, String>> records =
            NotifyFixture.read(cluster, name + "." + channel, 2);
        JsonNode gap = payload(records.get(0).value());
        assertThat(gap.path("kind").asText()).isEqualTo("gap");
        assertThat(gap.path("gap_from_ms").asLong()).isLessThanOrEqualTo(beforeStuck);
        assertThat(payload(records.get(1).value()).path("payload").asText()).isEqualTo("after");
      } finally {
        cluster.rest().delete(name);
      }
    }
  }

  @Test
  void aRestartedTaskWritesAGapSinceItsLastRecord(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    String name = pg.uniqueName("notify_restart");
    String channel = name + "_c";
    cluster.rest().create(NotifyFixture.notifySource(pg, name, channel));
    try {
      int first = NotifyFixture.awaitRunningAndListening(cluster, name);
      NotifyFixture.send(pg, channel, "before");
      NotifyFixture.read(cluster, name + "." + channel, 1);
      // Stopping the task for the restart commits the record's offset, which the new task reads.
      cluster.rest().restart(name);
      NotifyFixture.awaitListening(cluster, name, first);

      List<ConsumerRecord<String, String>> records =
          NotifyFixture.read(cluster, name + "." + channel, 2);
      JsonNode gap = payload(records.get(1).value());
      assertThat(gap.path("kind").asText()).isEqualTo("gap");
      assertThat(gap.path("gap_reason").asText()).contains("not listening");
      assertThat(gap.path("gap_from_ms").asLong())
          .isEqualTo(payload(records.get(0).value()).path("ts_ms").asLong());
    } finally {
      cluster.rest().delete(name);
    }
  }
}
