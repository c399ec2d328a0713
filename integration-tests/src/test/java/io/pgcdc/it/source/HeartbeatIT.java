package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * While the captured tables are idle and the database writes other tables, the slot still moves
 * (heartbeats), so that the server can recycle WAL; no heartbeat shows up as a record.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class HeartbeatIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void slotAdvancesPastOtherTablesWritesWhileCapturedTablesAreIdle(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    String name = pg.uniqueName("beat");
    String captured = name + "_t";
    String other = name + "_other";
    pg.execute(
        "CREATE TABLE " + captured + " (id int PRIMARY KEY)",
        "CREATE TABLE " + other + " (id int PRIMARY KEY)",
        "INSERT INTO " + captured + " VALUES (1)");
    try {
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + captured)
                  .with("heartbeat.interval.ms", "500"));
      cluster.rest().awaitRunning(name, TIMEOUT);
      String topic = name + ".public." + captured;
      SourceFixture.readUntil(cluster, topic, l -> l.size() >= 1, TIMEOUT);

      for (int i = 0; i < 20; i++) {
        pg.execute("INSERT INTO " + other + " VALUES (" + i + ")");
      }
      String walAfterWrites = query(pg, "SELECT pg_current_wal_lsn()::text");

      Deadline.in(TIMEOUT)
          .await(
              "slot to pass " + walAfterWrites,
              () ->
                  "t"
                      .equals(
                          query(
                              pg,
                              "SELECT confirmed_flush_lsn >= '"
                                  + walAfterWrites
                                  + "'::pg_lsn FROM pg_replication_slots WHERE slot_name ="
                                  + " 'pgcdc_"
                                  + name
                                  + "'")),
              () ->
                  query(
                      pg,
                      "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                          + " WHERE slot_name = 'pgcdc_"
                          + name
                          + "'"));
      pg.execute("INSERT INTO " + captured + " VALUES (2)");
      assertThat(SourceFixture.readUntil(cluster, topic, l -> l.size() >= 2, TIMEOUT))
          .as("the snapshot row and the insert, no heartbeat records")
          .hasSize(2);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + captured, "DROP TABLE " + other);
    }
  }

  private static String query(PostgresServer pg, String sql) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
