package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * config/pgcdc-source.json and config/pgcdc-sink.json as shipped, only the connection (but not the
 * password, a reference the worker resolves from its environment) and the connector names filled
 * in: the quickstart's pipeline, from public.demo_orders through Kafka into
 * public.demo_orders_copy; deleting the source drops its slot.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
// public.demo_orders is the shipped table name: these two never run at the same time, in case
// they share a server (PGCDC_TEST_PG_URL).
@ResourceLock("pgcdc.demo_orders")
class ShippedConfigIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void shippedSourceAndSinkCopyDemoOrdersIntoTheCopyTable(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    createDemoOrders(pg);
    String prefix = pg.uniqueName("pgcdc");
    ConnectorDefinition source = shipped("pgcdc-source.json", pg).with("topic.prefix", prefix);
    ConnectorDefinition sink =
        shipped("pgcdc-sink.json", pg).with("topics", prefix + ".public.demo_orders");
    try {
      cluster.rest().create(source);
      cluster.rest().create(sink);
      cluster.rest().awaitRunning(source.name(), TIMEOUT);
      cluster.rest().awaitRunning(sink.name(), TIMEOUT);
      // The changes below are to stream: they come after the slot (and so after the snapshot).
      Deadline.in(TIMEOUT)
          .await(
              "a slot named after " + source.name(),
              () -> slotExists(pg, source.name()),
              () -> "none in pg_replication_slots");

      pg.execute(
          "INSERT INTO public.demo_orders VALUES (3, 'plums', 2, 2.50)",
          "UPDATE public.demo_orders SET quantity = 4 WHERE id = 1",
          "DELETE FROM public.demo_orders WHERE id = 2");

      List<String> expected = List.of("1 apples 4 1.20", "3 plums 2 2.50");
      Deadline.in(TIMEOUT)
          .await(
              "public.demo_orders_copy to equal public.demo_orders " + expected,
              () -> expected.equals(rowsOrEmpty(pg, "public.demo_orders_copy")),
              () -> "copy has " + rowsOrEmpty(pg, "public.demo_orders_copy"));
      assertThat(rows(pg, "public.demo_orders")).isEqualTo(expected);
    } finally {
      cluster.rest().delete(sink.name());
      cluster.rest().delete(source.name());
    }
  }

  @Test
  void deletingTheShippedSourceDropsItsSlot(PostgresServer pg, ConnectCluster cluster) {
    createDemoOrders(pg);
    ConnectorDefinition source =
        shipped("pgcdc-source.json", pg).with("topic.prefix", pg.uniqueName("pgcdc"));
    cluster.rest().create(source);
    cluster.rest().awaitRunning(source.name(), TIMEOUT);
    // The task creates the slot in its first poll, after it reports RUNNING.
    Deadline.in(TIMEOUT)
        .await(
            "a slot named after " + source.name(),
            () -> slotExists(pg, source.name()),
            () -> "none in pg_replication_slots");

    cluster.rest().delete(source.name());

    Deadline.in(TIMEOUT)
        .await(
            "the slot of " + source.name() + " to be dropped after DELETE /connectors",
            () -> !slotExists(pg, source.name()),
            () -> "it is still in pg_replication_slots");
  }

  /** Both tests use the shipped table name; they take turns (same_thread within a class). */
  private static void createDemoOrders(PostgresServer pg) {
    pg.execute(
        "DROP TABLE IF EXISTS public.demo_orders, public.demo_orders_copy",
        "CREATE TABLE public.demo_orders (id bigint PRIMARY KEY, item text NOT NULL,"
            + " quantity integer NOT NULL, price numeric(10,2))",
        "INSERT INTO public.demo_orders VALUES (1, 'apples', 3, 1.20), (2, 'pears', 5, 0.80)");
  }

  /**
   * The shipped file with a unique name, so that the slot is this test's own; each test gives its
   * source a topic prefix of its own too (the shipped one is shared: a source deleted by one test
   * may still write its snapshot there, which the other's sink would then read).
   */
  private static ConnectorDefinition shipped(String file, PostgresServer pg) {
    ConnectorDefinition shipped = ConnectorDefinition.fromConfigDir(file);
    return shipped
        .withName(pg.uniqueName(shipped.name().replace('-', '_')))
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user());
  }

  private static List<String> rows(PostgresServer pg, String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT id || ' ' || item || ' ' || quantity || ' ' || price FROM "
                    + table
                    + " ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getString(1));
      }
    }
    return rows;
  }

  /** The rows, or none while the sink has not created the table yet. */
  private static List<String> rowsOrEmpty(PostgresServer pg, String table) {
    try {
      return rows(pg, table);
    } catch (SQLException e) {
      return List.of();
    }
  }

  /** A slot whose name ends with the connector's name (the source's default slot name). */
  private static boolean slotExists(PostgresServer pg, String connector) {
    try (Connection c = pg.connect();
        var s = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE ?")) {
      s.setString(1, "%" + connector);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read pg_replication_slots: " + e.getMessage(), e);
    }
  }
}
