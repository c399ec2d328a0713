package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signals to a running source through its signal function: a role on {@code signal.roles} re-copies
 * the rows of a table matching a condition while writers change it, and the topic replayed still
 * gives the table; pause, stop and resume act in WAL order; a role off the list can neither call
 * the function nor forge a signal with pg_logical_emit_message (which any role may call); a
 * condition that is not one boolean expression is rejected, naming the table.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SignalIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(300);
  private static final int ROWS = 20_000;

  @Test
  void aSignalCopiesTheRowsMatchingItsConditionWhileWritersRunAndTheTopicGivesTheTable(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("sig");
    String a = name + "_a";
    String b = name + "_b";
    String ops = name + "_ops";
    String other = name + "_other";
    String slot = "pgcdc_" + name;
    String function = "public.\"pgcdc_signal_" + slot + "\"";
    AddTableFixture.createTables(pg, a, b, ROWS);
    pg.execute("CREATE ROLE " + ops, "CREATE ROLE " + other);
    String topicA = name + ".public." + a;
    String topicB = name + ".public." + b;
    ConnectorDefinition source =
        SourceFixture.source(pg, name, "public." + a + ",public." + b)
            .with("signal.enabled", "true")
            .with("signal.roles", ops);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> AddTableFixture.write(pg, a, b, ROWS, stop, writes, writerError), "writer");
    try {
      cluster.rest().create(source);
      cluster.rest().awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topicB, l -> l.size() >= ROWS, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the signal function, and the task's first progress",
              () -> status(pg, slot) != null,
              () -> "none yet");

      // Off the list: no EXECUTE; a message written by hand with the prefix is ignored.
      assertThatThrownBy(
              () -> signalAs(pg, other, function, "snapshot", new String[] {"public." + a}, null))
          .hasMessageContaining("permission denied for function");
      String forged =
          "{\"slot\":\""
              + slot
              + "\",\"action\":\"snapshot\",\"tables\":[\"public."
              + a
              + "\"],\"condition\":null,\"by\":\"x\",\"wal\":\"0/0\"}\n"
              + "0".repeat(64);
      asRole(
          pg,
          other,
          "SELECT pg_logical_emit_message(false, 'pgcdc-signal', " + literal(forged) + ")");
      awaitLast(pg, slot, "rejected: its proof is not from this connector's signal function");

      // Pause, then ask for a copy: it waits; stopped while it waits, it never runs.
      signalAs(pg, ops, function, "pause", null, null);
      signalAs(pg, ops, function, "snapshot", new String[] {"public." + a}, null);
      awaitStatus(
          pg,
          slot,
          "paused, " + a + " queued",
          s -> s.path("paused").asBoolean() && s.path("queued").toString().contains(a));
      signalAs(pg, ops, function, "stop", new String[] {"public." + a}, null);
      signalAs(pg, ops, function, "resume", null, null);
      awaitStatus(
          pg,
          slot,
          "resumed with nothing queued",
          s ->
              !s.path("paused").asBoolean()
                  && s.path("queued").isEmpty()
                  && s.path("last_signal").asText().startsWith("resume"));

      // A condition that is not one boolean expression: rejected, naming the table.
      signalAs(pg, ops, function, "snapshot", new String[] {"public." + b}, "id + 1");
      awaitLast(pg, slot, "for table public." + b + " is not one boolean expression");
      signalAs(pg, ops, function, "snapshot", new String[] {"public." + b}, "true) OR (true");
      awaitLast(pg, slot, "closing parenthesis");

      writer.start();
      Deadline.in(TIMEOUT)
          .await("100 writes streaming", () -> writes.get() > 100, () -> writes.get() + "");
      signalAs(pg, ops, function, "snapshot", new String[] {"public." + b}, "id <= 5000");
      awaitLast(pg, slot, "copying [public." + b + "]");
      awaitStatus(
          pg,
          slot,
          "the copy of " + b + " to end",
          s -> s.path("table").isNull() && s.path("queued").isEmpty());
      int atCopyEnd = writes.get();
      Deadline.in(TIMEOUT)
          .await(
              "100 more writes after the copy",
              () -> writes.get() > atCopyEnd + 100,
              () -> writes.get() + " writes");
    } finally {
      stop.set(true);
      if (writer.isAlive()) {
        writer.join();
      }
    }
    try {
      assertThat(writerError.get()).isNull();
      Map<Integer, Integer> expectedB = AddTableFixture.tableState(pg, b);
      List<Change> changesB =
          SourceFixture.readUntil(cluster, topicB, AddTableFixture.rebuildsTo(expectedB), TIMEOUT);
      List<Integer> copied =
          changesB.stream()
              .filter(c -> !c.tombstone() && c.op().equals("r"))
              .filter(c -> c.source().path("snapshot").asText().equals("incremental"))
              .map(c -> c.keyPayload().path("id").asInt())
              .toList();
      assertThat(copied)
          .as("rows copied again on demand: those matching id <= 5000")
          .hasSizeGreaterThan(2_500)
          .allMatch(id -> id <= 5000);
      Map<Integer, Integer> expectedA = AddTableFixture.tableState(pg, a);
      List<Change> changesA =
          SourceFixture.readUntil(cluster, topicA, AddTableFixture.rebuildsTo(expectedA), TIMEOUT);
      assertThat(changesA)
          .filteredOn(c -> !c.tombstone())
          .filteredOn(c -> c.source().path("snapshot").asText().equals("incremental"))
          .as("no copy of %s: the forged signal was ignored, the paused one stopped", a)
          .isEmpty();
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP FUNCTION IF EXISTS " + function + "(text, text[], text)",
          "DROP TABLE IF EXISTS public.\"pgcdc_signal_key_" + slot + "\"",
          "DROP TABLE " + a,
          "DROP TABLE " + b,
          "DROP ROLE " + ops,
          "DROP ROLE " + other);
    }
  }

  @Test
  void theRestEndpointSendsSignalsAsTheConnectorsUserAndShowsProgress(
      PostgresServer pg, ConnectCluster cluster) throws Exception {
    String name = pg.uniqueName("sigr");
    String t = name + "_t";
    String slot = "pgcdc_" + name;
    String topic = name + ".public." + t;
    pg.execute(
        "CREATE TABLE " + t + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 3000) g");
    ConnectRestClient rest = cluster.rest();
    String endpoint = "/pgcdc/connectors/" + name + "/snapshot";
    try {
      rest.create(SourceFixture.source(pg, name, "public." + t).with("signal.enabled", "true"));
      rest.awaitRunning(name, TIMEOUT);
      SourceFixture.readUntil(cluster, topic, l -> l.size() >= 3000, TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the task's first progress through GET " + endpoint,
              () -> rest.send("GET", endpoint, null).json().path("progress").isObject(),
              () -> rest.send("GET", endpoint, null).toString());

      ConnectRestClient.Response bad =
          rest.send(
              "POST",
              endpoint,
              Map.of("tables", List.of("public." + t), "condition", "id; SELECT 1"));
      assertThat(bad.status()).as("%s", bad).isEqualTo(400);
      assertThat(bad.body()).contains("for table public." + t).contains("semicolon");
      ConnectRestClient.Response notBoolean =
          rest.send("POST", endpoint, Map.of("tables", List.of(t), "condition", "v + 1"));
      assertThat(notBoolean.status()).as("%s", notBoolean).isEqualTo(400);
      assertThat(notBoolean.body()).contains("for table public." + t).contains("boolean");
      ConnectRestClient.Response unknown =
          rest.send("POST", endpoint, Map.of("tables", List.of("public.nosuch")));
      assertThat(unknown.status()).as("%s", unknown).isEqualTo(400);
      assertThat(unknown.body()).contains("public.nosuch is not captured");
      assertThat(rest.send("POST", "/pgcdc/connectors/" + name + "x/snapshot", Map.of()).status())
          .isEqualTo(404);

      ConnectRestClient.Response sent =
          rest.send("POST", endpoint, Map.of("tables", List.of(t), "condition", "id > 1000"));
      assertThat(sent.status()).as("%s", sent).isEqualTo(202);
      assertThat(sent.json().path("lsn").asText()).contains("/");
      Deadline.in(TIMEOUT)
          .await(
              "GET to show the copy done",
              () -> {
                JsonNode p = rest.send("GET", endpoint, null).json().path("progress");
                return p.path("last_signal").asText().contains("copying [public." + t + "]")
                    && p.path("table").isNull()
                    && p.path("queued").isEmpty();
              },
              () -> rest.send("GET", endpoint, null).toString());
      List<Change> changes =
          SourceFixture.readUntil(
              cluster,
              topic,
              l -> l.stream().filter(SignalIT::incremental).count() >= 2000,
              TIMEOUT);
      assertThat(changes)
          .filteredOn(SignalIT::incremental)
          .extracting(c -> c.keyPayload().path("id").asInt())
          .as("the rows with id > 1000, once each")
          .hasSize(2000)
          .doesNotHaveDuplicates()
          .allMatch(id -> id > 1000);

      for (String action : List.of("pause", "resume", "stop")) {
        ConnectRestClient.Response r = rest.send("POST", endpoint + "/" + action, null);
        assertThat(r.status()).as("%s: %s", action, r).isEqualTo(202);
      }
      Deadline.in(TIMEOUT)
          .await(
              "the stop signal to be read",
              () ->
                  rest.send("GET", endpoint, null)
                      .json()
                      .path("progress")
                      .path("last_signal")
                      .asText()
                      .startsWith("stop"),
              () -> rest.send("GET", endpoint, null).toString());

      // Deleting the connector drops its signal function and key table with its slot.
      SourceFixture.cleanup(cluster, pg, name);
      assertThat(
              scalar(
                  pg,
                  "SELECT to_regprocedure('public.\"pgcdc_signal_"
                      + slot
                      + "\"(text, text[], text)') IS NULL AND to_regclass('public.\"pgcdc_signal_key_"
                      + slot
                      + "\"') IS NULL"))
          .as("signal function and key table after the delete")
          .isEqualTo("t");
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute(
          "DROP FUNCTION IF EXISTS public.\"pgcdc_signal_" + slot + "\"(text, text[], text)",
          "DROP TABLE IF EXISTS public.\"pgcdc_signal_key_" + slot + "\"",
          "DROP TABLE " + t);
    }
  }

  private static boolean incremental(Change c) {
    return !c.tombstone() && c.source().path("snapshot").asText().equals("incremental");
  }

  @Test
  void validationNamesAMissingSchemaAndRoleOnTheirSettings(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("sigv");
    String t = name + "_t";
    pg.execute("CREATE TABLE " + t + " (id int PRIMARY KEY)");
    try {
      ConnectorDefinition def =
          SourceFixture.source(pg, name, "public." + t)
              .with("signal.enabled", "true")
              .with("signal.schema", name + "_nosuch")
              .with("signal.roles", name + "_nobody");
      Map<String, String> config = new java.util.HashMap<>(def.config());
      config.put("name", name);
      Map<String, String> errors =
          ConnectRestClient.validationErrors(
              cluster.rest().validate("io.pgcdc.connector.source.PostgresSourceConnector", config));
      assertThat(errors).containsOnlyKeys("signal.schema", "signal.roles");
      assertThat(errors.get("signal.schema")).contains(name + "_nosuch does not exist");
      assertThat(errors.get("signal.roles")).contains("No such role: " + name + "_nobody");
    } finally {
      pg.execute("DROP TABLE " + t);
    }
  }

  /** Calls the signal function as {@code role} (SET ROLE: EXECUTE is checked for it). */
  static void signalAs(
      PostgresServer pg,
      String role,
      String function,
      String action,
      String[] tables,
      String condition)
      throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET ROLE " + role);
      try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, ?::text[], ?)")) {
        ps.setString(1, action);
        ps.setArray(2, c.createArrayOf("text", tables == null ? new String[0] : tables));
        ps.setString(3, condition);
        ps.executeQuery().close();
      }
    }
  }

  private static void asRole(PostgresServer pg, String role, String sql) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET ROLE " + role);
      s.executeQuery(sql).close();
    }
  }

  private static String scalar(PostgresServer pg, String sql) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** The progress the task writes into the signal key table; null before the first. */
  static JsonNode status(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status FROM public.\"pgcdc_signal_key_"
                    + slot
                    + "\" WHERE to_regclass('public.\"pgcdc_signal_key_"
                    + slot
                    + "\"') IS NOT NULL")) {
      return rs.next() && rs.getString(1) != null ? SourceFixture.parse(rs.getString(1)) : null;
    } catch (SQLException e) {
      return null; // not created yet
    }
  }

  static void awaitStatus(
      PostgresServer pg, String slot, String description, Predicate<JsonNode> done) {
    Deadline.in(TIMEOUT)
        .await(
            description,
            () -> {
              JsonNode s = status(pg, slot);
              return s != null && done.test(s);
            },
            () -> String.valueOf(status(pg, slot)));
  }

  static void awaitLast(PostgresServer pg, String slot, String text) {
    awaitStatus(
        pg, slot, "last signal: ..." + text, s -> s.path("last_signal").asText().contains(text));
  }
}
