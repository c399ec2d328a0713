package io.pgcdc.it.query;

import static io.pgcdc.it.query.QueryFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.e2e.EveryTypeTable;
import io.pgcdc.it.e2e.TableComparison;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The query source through a real worker that loads the packaged plugin. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class QuerySourceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aColumnComesOutAsTheCdcSourceEmitsIt(PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_types");
    String mood = table + "_mood";
    String posint = table + "_posint";
    pg.execute(
        "CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy', 'with space')",
        "CREATE DOMAIN " + posint + " AS integer CHECK (VALUE > 0)",
        EveryTypeTable.createTable(table, EveryTypeTable.columns(pg, mood, posint)),
        EveryTypeTable.insert(table, 1, EveryTypeTable.ordinary(pg, mood)));
    ConnectRestClient rest = cluster.rest();
    String cdc = table + "_cdc";
    String query = table + "_query";
    String sink = table + "_sink";
    try {
      rest.create(
          ConnectorDefinition.fromConfigDir("pgcdc-source.json")
              .withName(cdc)
              .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
              .with("table.include.list", "public." + table)
              .with("topic.prefix", cdc));
      rest.create(
          query(pg, query)
              .with("queries", "all")
              .with("query.all.sql", "SELECT * FROM public." + table + " ORDER BY id")
              .with("query.all.key.columns", "id")
              .with("query.all.interval.ms", "3600000"));
      JsonNode fromCdc = value(cluster.read(cdc + ".public." + table, 1, TIMEOUT).get(0));
      ConsumerRecord<String, String> queried = cluster.read(query + "all", 1, TIMEOUT).get(0);
      JsonNode fromQuery = value(queried);

      JsonNode after = fromCdc.path("payload").path("after");
      assertThat(fromQuery.path("payload")).as("values").isEqualTo(after);
      JsonNode afterSchema = field(fromCdc.path("schema"), "after").path("fields");
      assertThat(fromQuery.path("schema").path("fields"))
          .as("field schemas, with their pgcdc.type")
          .isEqualTo(afterSchema);
      // A value no typed field holds (the 2-D array): null, with its text beside the row.
      Map<String, String> cdcTexts = new TreeMap<>();
      fromCdc
          .path("payload")
          .path("source")
          .path("text_values")
          .fields()
          .forEachRemaining(
              e -> cdcTexts.put(e.getKey().substring("after.".length()), e.getValue().asText()));
      assertThat(cdcTexts).as("the CDC source's text_values").isNotEmpty();
      Map<String, String> queryTexts = new TreeMap<>();
      header(queried, "pgcdc.text_values")
          .fields()
          .forEachRemaining(e -> queryTexts.put(e.getKey(), e.getValue().asText()));
      assertThat(queryTexts).isEqualTo(cdcTexts);

      // The pgcdc sink writes the query's records back exactly, those values included.
      rest.create(
          ConnectorDefinition.fromConfigDir("pgcdc-sink.json")
              .withName(sink)
              .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
              .with("topics", query + "all")
              .with("table.name.format", "public." + table + "_copy"));
      Deadline.in(TIMEOUT)
          .await(
              "the copy to equal the table",
              () -> differences(pg, table).isEmpty(),
              () -> differences(pg, table).toString());
    } finally {
      rest.delete(cdc);
      rest.delete(query);
      rest.delete(sink);
      pg.execute(
          "DROP TABLE IF EXISTS " + table + "_copy",
          "DROP TABLE " + table,
          "DROP DOMAIN " + posint,
          "DROP TYPE " + mood);
    }
  }

  /**
   * A transaction that started first commits last, while the connector polls: its row has the
   * earliest timestamp, and timestamp modes that read up to the clock skip it for good. Here it
   * comes out, once, in timestamp order, and so does every other row.
   */
  @Test
  void aLateCommitIsNotSkippedAndNoRowComesTwice(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    String table = pg.uniqueName("q_late");
    String name = table + "_src";
    OwnDatabase db = OwnDatabase.create(pg, "q_late_db");
    db.execute(
        "CREATE TABLE "
            + table
            + " (id bigserial PRIMARY KEY, note text NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO " + table + " (note) VALUES ('early')");
    ConnectRestClient rest = cluster.rest();
    try (Connection slow = db.connect()) {
      rest.create(
          query(pg, name)
              .with("connection.database", db.name())
              .with("queries", "events,probe")
              .with("query.events.sql", "SELECT id, note, updated_at FROM " + table)
              .with("query.events.mode", "timestamp+incrementing")
              .with("query.events.timestamp.column", "updated_at")
              .with("query.events.incrementing.column", "id")
              .with("query.events.interval.ms", "200")
              .with("query.probe.sql", "DO $$ BEGIN END $$")
              .with("query.probe.interval.ms", "200"));
      awaitNotes(cluster, name + "events", List.of("early"));

      slow.setAutoCommit(false);
      try (Statement s = slow.createStatement()) {
        s.execute("INSERT INTO " + table + " (note) VALUES ('slow')");
      }
      db.execute("INSERT INTO " + table + " (note) VALUES ('fast')");
      long fastCommitted = serverMillis(pg);
      // Runs of the probe, which shares the task and the interval, after 'fast' was committed:
      // the events query has run meanwhile too, with 'slow' still open.
      awaitProbeRunsAfter(cluster, name + "probe", fastCommitted + 500);
      slow.commit();
      db.execute("INSERT INTO " + table + " (note) VALUES ('end')");

      awaitNotes(cluster, name + "events", List.of("early", "slow", "fast", "end"));
    } finally {
      rest.delete(name);
      db.close();
    }
  }

  @Test
  void aStatementRunsOnScheduleWithItsParametersAndReportsHowItWent(
      PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_jobs");
    String name = table + "_src";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, expires timestamptz NOT NULL)",
        "INSERT INTO "
            + table
            + " SELECT g, now() - interval '2 days' FROM generate_series(1, 3) g",
        "INSERT INTO " + table + " VALUES (4, now() + interval '1 day')");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .with("queries", "purge,broken")
              .with(
                  "query.purge.sql",
                  "DELETE FROM " + table + " WHERE expires < now() - :age::interval")
              .with("query.purge.parameters.age", "1 day")
              .with("query.purge.interval.ms", "3600000")
              .with("query.broken.sql", "UPDATE " + table + " SET id = id / 0")
              .with("query.broken.interval.ms", "3600000"));
      JsonNode purge = value(cluster.read(name + "purge", 1, TIMEOUT).get(0)).path("payload");
      assertThat(purge.path("status").asText()).isEqualTo("ok");
      assertThat(purge.path("rows").asLong()).isEqualTo(3);
      assertThat(count(pg, table)).isEqualTo(1);

      JsonNode broken = value(cluster.read(name + "broken", 1, TIMEOUT).get(0)).path("payload");
      assertThat(broken.path("status").asText()).isEqualTo("error");
      assertThat(broken.path("sqlstate").asText()).isEqualTo("22012");
      assertThat(broken.path("message").asText()).contains("division by zero");
      assertThat(count(pg, table)).as("the failed statement was rolled back").isEqualTo(1);
      assertThat(rest.status(name).running()).as("the task goes on").isTrue();
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + table);
    }
  }

  /** A table without a usable column: each run reads the rows of newer transactions. */
  @Test
  void xminModeReadsNewAndChangedRowsOfATableWithoutAUsableColumn(
      PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_xmin");
    String name = table + "_src";
    String topic = name + "rows";
    pg.execute(
        "CREATE TABLE " + table + " (item text NOT NULL, qty int NOT NULL)",
        "INSERT INTO " + table + " VALUES ('a', 1), ('b', 1)");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .with("queries", "rows")
              .with("query.rows.sql", "SELECT xmin, item, qty FROM " + table)
              .with("query.rows.mode", "xmin")
              .with("query.rows.interval.ms", "200"));
      awaitItems(cluster, topic, Set.of("a=1", "b=1"));
      pg.execute("UPDATE " + table + " SET qty = 2 WHERE item = 'a'");
      pg.execute("INSERT INTO " + table + " VALUES ('c', 1)");
      List<String> items = awaitItems(cluster, topic, Set.of("a=1", "b=1", "a=2", "c=1"));
      // At least once: an unchanged row can come again while another session holds the horizon.
      assertThat(items.subList(0, 2)).containsExactlyInAnyOrder("a=1", "b=1");
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + table);
    }
  }

  private static List<String> awaitItems(ConnectCluster cluster, String topic, Set<String> items) {
    return TopicReader.readUntil(
            cluster.bootstrapServers(),
            topic,
            "rows " + items,
            l -> l.stream().map(QuerySourceIT::item).toList().containsAll(items),
            TIMEOUT)
        .stream()
        .map(QuerySourceIT::item)
        .toList();
  }

  private static String item(ConsumerRecord<String, String> r) {
    JsonNode row = value(r).path("payload");
    return row.path("item").asText() + "=" + row.path("qty").asInt();
  }

  /**
   * A run stops at max.rows.per.run and the next goes on where it stopped; a connection the server
   * ends is opened again; a privilege taken away stops the task with what to do.
   */
  @Test
  void runsStopAtTheirLimitReconnectAndFailWithWhatToDo(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    String table = pg.uniqueName("q_limits");
    String name = table + "_src";
    String role = table + "_reader";
    String topic = name + "rows";
    OwnDatabase db = OwnDatabase.create(pg, "q_limits_db");
    db.execute(
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, 5) g",
        "CREATE ROLE " + role + " LOGIN PASSWORD 'pw-limits'",
        "GRANT SELECT ON " + table + " TO " + role);
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .withConnection(pg.host(), pg.port(), db.name(), role, "pw-limits")
              .with("timestamp.delay.ms", "1")
              .with("max.rows.per.run", "2")
              .with("queries", "rows")
              .with("query.rows.sql", "SELECT id, updated_at FROM " + table)
              .with("query.rows.mode", "timestamp+incrementing")
              .with("query.rows.timestamp.column", "updated_at")
              .with("query.rows.incrementing.column", "id")
              .with("query.rows.interval.ms", "300"));
      List<ConsumerRecord<String, String>> first = cluster.read(topic, 5, TIMEOUT);
      assertThat(ids(first)).containsExactly(1L, 2L, 3L, 4L, 5L);
      // The record timestamp is the run's fire time: three runs of at most two rows.
      assertThat(first.stream().map(ConsumerRecord::timestamp).distinct().count()).isEqualTo(3);

      pg.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
      db.execute("INSERT INTO " + table + " (id) VALUES (6)");
      assertThat(ids(cluster.read(topic, 6, TIMEOUT).subList(5, 6))).containsExactly(6L);

      assertThat(LogFiles.since(cluster.worker().process().logFile(), 0))
          .as("the worker log says which bound the timestamp modes run with")
          .contains("Timestamp-mode runs stop 1 ms before the server's clock")
          .contains("GRANT pg_read_all_stats TO " + role);
      db.execute("REVOKE SELECT ON " + table + " FROM " + role);
      assertThat(rest.awaitFailed(name, TIMEOUT).traces())
          .contains("Query rows failed")
          .contains("permission denied")
          .contains("GRANT SELECT ON the_table TO " + role);
    } finally {
      rest.delete(name);
      db.close();
      pg.execute("DROP ROLE " + role);
    }
  }

  @Test
  void aRunOverTheStatementTimeoutFailsSayingWhichSetting(
      PostgresServer pg, ConnectCluster cluster) {
    String name = pg.uniqueName("q_timeout");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .with("statement.timeout.ms", "200")
              .with("queries", "slow")
              .with("query.slow.sql", "SELECT pg_sleep(5) AS slept"));
      assertThat(rest.awaitFailed(name, TIMEOUT).traces())
          .contains("Query slow failed")
          .contains("57014")
          .contains("statement.timeout.ms");
    } finally {
      rest.delete(name);
    }
  }

  /** KIP-875: a position given through the REST API is checked and used; a reset starts over. */
  @Test
  void anAlteredPositionIsWhereTheNextRunGoesOnAndAResetStartsOver(
      PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_offsets");
    String name = table + "_src";
    String topic = name + "events";
    OwnDatabase db = OwnDatabase.create(pg, "q_offsets_db");
    db.execute(
        "CREATE TABLE "
            + table
            + " (id bigint PRIMARY KEY, note text NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO " + table + " (id, note) SELECT g, 'n' || g FROM generate_series(1, 5) g");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .with("connection.database", db.name())
              .with("queries", "events")
              .with("query.events.sql", "SELECT id, note, updated_at FROM " + table)
              .with("query.events.mode", "timestamp+incrementing")
              .with("query.events.timestamp.column", "updated_at")
              .with("query.events.incrementing.column", "id")
              .with("query.events.interval.ms", "200"));
      List<ConsumerRecord<String, String>> first = cluster.read(topic, 5, TIMEOUT);
      String ts = value(first.get(2)).path("payload").path("updated_at").asText();
      ok(settled(rest, "PUT", "connectors/" + name + "/stop", null));
      awaitStopped(rest, name);

      ConnectRestClient.Response wrong =
          settled(rest, "PATCH", "connectors/" + name + "/offsets", offsets(Map.of("id", "3")));
      // Connect answers 500 for whatever a connector's alterOffsets refuses, with its message.
      assertThat(wrong.ok()).isFalse();
      assertThat(wrong.body()).contains("must give both 'ts' and 'id'");
      ok(
          settled(
              rest,
              "PATCH",
              "connectors/" + name + "/offsets",
              offsets(Map.of("ts", ts, "id", "3"))));
      ok(settled(rest, "PUT", "connectors/" + name + "/resume", null));
      assertThat(ids(cluster.read(topic, 7, TIMEOUT).subList(5, 7))).containsExactly(4L, 5L);

      ok(settled(rest, "PUT", "connectors/" + name + "/stop", null));
      awaitStopped(rest, name);
      ok(settled(rest, "DELETE", "connectors/" + name + "/offsets", null));
      ok(settled(rest, "PUT", "connectors/" + name + "/resume", null));
      assertThat(ids(cluster.read(topic, 12, TIMEOUT).subList(7, 12)))
          .containsExactly(1L, 2L, 3L, 4L, 5L);
    } finally {
      rest.delete(name);
      db.close();
    }
  }

  /**
   * With a ledger, a fire time runs at most once: the offsets are set back so that the task runs
   * the same fire time again (as after a crash between the commit and the result record), and the
   * statement is skipped.
   */
  @Test
  void aStatementWithALedgerRunsAFireTimeOnlyOnce(PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_ledger");
    String name = table + "_src";
    String topic = name + "bump";
    pg.execute(
        "CREATE TABLE " + table + " (n int NOT NULL)", "INSERT INTO " + table + " VALUES (0)");
    ConnectRestClient rest = cluster.rest();
    try {
      rest.create(
          query(pg, name)
              .with("queries", "bump")
              .with("query.bump.sql", "UPDATE " + table + " SET n = n + 1")
              .with("query.bump.interval.ms", "3600000")
              .with("statement.ledger.table", "public." + table + "_ledger"));
      JsonNode first = value(cluster.read(topic, 1, TIMEOUT).get(0)).path("payload");
      assertThat(first.path("status").asText()).isEqualTo("ok");
      assertThat(counter(pg, table)).isEqualTo(1);

      ok(settled(rest, "PUT", "connectors/" + name + "/stop", null));
      awaitStopped(rest, name);
      long fire = first.path("fire_time").asLong();
      ok(
          settled(
              rest,
              "PATCH",
              "connectors/" + name + "/offsets",
              Map.of(
                  "offsets",
                  List.of(
                      Map.of(
                          "partition", Map.of("query", "bump"),
                          "offset", Map.of("fire", fire, "done", false))))));
      ok(settled(rest, "PUT", "connectors/" + name + "/resume", null));

      JsonNode again = value(cluster.read(topic, 2, TIMEOUT).get(1)).path("payload");
      assertThat(again.path("fire_time").asLong()).isEqualTo(fire);
      assertThat(again.path("status").asText()).isEqualTo("skipped");
      assertThat(again.path("message").asText()).contains(table + "_ledger");
      assertThat(counter(pg, table)).as("the statement did not run twice").isEqualTo(1);
    } finally {
      rest.delete(name);
      pg.execute("DROP TABLE " + table, "DROP TABLE IF EXISTS " + table + "_ledger");
    }
  }

  private static long counter(PostgresServer pg, String table) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void validationNamesAParameterNoSettingGives(PostgresServer pg, ConnectCluster cluster) {
    Map<String, String> config =
        query(pg, "q_validate")
            .with("queries", "q")
            .with("query.q.sql", "SELECT * FROM t WHERE a = :a AND b = ':not_a_parameter'")
            .config();
    Map<String, String> errors =
        ConnectRestClient.validationErrors(
            cluster
                .rest()
                .validate("io.pgcdc.connector.query.PostgresQuerySourceConnector", config));
    assertThat(errors.get("queries"))
        .contains(":a")
        .contains("query.q.parameters.a")
        .doesNotContain("not_a_parameter");
  }

  /** Live checks: what the server says of the connection and of each query, on its setting. */
  @Test
  void validationAsksTheServerAndSaysWhatToDo(PostgresServer pg, ConnectCluster cluster) {
    String table = pg.uniqueName("q_valid");
    String role = table + "_reader";
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, updated_at timestamptz)",
        "CREATE ROLE " + role + " LOGIN PASSWORD 'secret-pw'");
    String plugin = "io.pgcdc.connector.query.PostgresQuerySourceConnector";
    ConnectRestClient rest = cluster.rest();
    try {
      ConnectorDefinition base = query(pg, "q_validate").with("queries", "q");
      assertThat(errors(rest, plugin, base.with("query.q.sql", "SELECT * FROM " + table)))
          .as("a good query")
          .isEmpty();
      assertThat(errors(rest, plugin, base.with("query.q.sql", "SELEC * FROM " + table)))
          .containsKey("queries")
          .extractingByKey("queries")
          .asString()
          .contains("syntax error")
          .contains("at line 1, column 1 of query.q.sql")
          .contains("correct the SQL in query.q.sql");
      assertThat(
              errors(
                  rest,
                  plugin,
                  base.with(
                          "query.q.sql",
                          "SELECT * FROM " + table + "\n WHERE id = :id AND AND id > 0")
                      .with("query.q.parameters.id", "1")
                      .with("query.q.mode", "incrementing")
                      .with("query.q.incrementing.column", "id")))
          .extractingByKey("queries")
          .asString()
          .contains("at line 2, column 21 of query.q.sql");
      assertThat(errors(rest, plugin, base.with("query.q.sql", "SELECT * FROM no_such_table_q")))
          .extractingByKey("queries")
          .asString()
          .contains("no_such_table_q")
          .contains("check the table names");
      assertThat(
              errors(
                  rest,
                  plugin,
                  base.with("query.q.sql", "SELECT * FROM " + table)
                      .with("query.q.mode", "timestamp")
                      .with("query.q.timestamp.column", "changed_at")))
          .extractingByKey("queries")
          .asString()
          .contains("changed_at")
          .contains("query.q.timestamp.column");
      ConnectorDefinition asReader =
          base.with("query.q.sql", "SELECT * FROM " + table)
              .withConnection(pg.host(), pg.port(), pg.database(), role, "secret-pw");
      assertThat(errors(rest, plugin, asReader))
          .extractingByKey("queries")
          .asString()
          .contains("permission denied")
          .contains("GRANT SELECT ON the_table TO " + role);
      assertThat(
              errors(
                  rest,
                  plugin,
                  asReader.withConnection(pg.host(), pg.port(), pg.database(), role, "wrong")))
          .containsKey("connection.password");
      pg.execute("GRANT SELECT ON " + table + " TO " + role);
      ConnectorDefinition timestamps =
          asReader.with("query.q.mode", "timestamp").with("query.q.timestamp.column", "updated_at");
      assertThat(errors(rest, plugin, timestamps))
          .as("a reader that cannot see other sessions' transactions, and no delay")
          .containsOnlyKeys("timestamp.delay.ms")
          .extractingByKey("timestamp.delay.ms")
          .asString()
          .contains("GRANT pg_read_all_stats TO " + role);
      assertThat(errors(rest, plugin, timestamps.with("timestamp.delay.ms", "30000"))).isEmpty();
    } finally {
      pg.execute("DROP TABLE " + table, "DROP ROLE " + role);
    }
  }

  private static Map<String, String> errors(
      ConnectRestClient rest, String plugin, ConnectorDefinition connector) {
    return ConnectRestClient.validationErrors(
        rest.validate(plugin, connector.with("name", connector.name()).config()));
  }

  // ---- helpers

  private static Map<String, Object> offsets(Map<String, String> offset) {
    return Map.of(
        "offsets", List.of(Map.of("partition", Map.of("query", "events"), "offset", offset)));
  }

  private static List<Long> ids(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(r -> value(r).path("payload").path("id").asLong()).toList();
  }

  /**
   * A request answered once the worker is not in the middle of a rebalance (another test class's
   * connector coming or going): a 409 about stale configuration is asked again.
   */
  private static ConnectRestClient.Response settled(
      ConnectRestClient rest, String method, String path, Object body) {
    Deadline deadline = Deadline.in(TIMEOUT);
    while (true) {
      ConnectRestClient.Response r = rest.send(method, path, body);
      if (r.status() != 409 || deadline.expired()) {
        return r;
      }
      deadline.pause();
    }
  }

  private static void ok(ConnectRestClient.Response response) {
    assertThat(response.ok()).as("answer %s: %s", response.status(), response.body()).isTrue();
  }

  private static void awaitStopped(ConnectRestClient rest, String name) {
    Deadline.in(TIMEOUT)
        .await(
            name + " stopped",
            () -> {
              ConnectRestClient.Response s =
                  rest.send("GET", "connectors/" + name + "/status", null);
              return s.ok()
                  && "STOPPED".equals(s.json().path("connector").path("state").asText())
                  && s.json().path("tasks").isEmpty();
            },
            () -> rest.send("GET", "connectors/" + name + "/status", null).body());
  }

  /** Waits for the first rows of the topic and checks that they are {@code notes}, in order. */
  private static void awaitNotes(ConnectCluster cluster, String topic, List<String> notes) {
    List<ConsumerRecord<String, String>> records = cluster.read(topic, notes.size(), TIMEOUT);
    List<String> got = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) {
      got.add(value(r).path("payload").path("note").asText());
    }
    assertThat(got).as("rows of %s in order", topic).containsExactlyElementsOf(notes);
  }

  private static void awaitProbeRunsAfter(ConnectCluster cluster, String topic, long millis) {
    TopicReader.readUntil(
        cluster.bootstrapServers(),
        topic,
        "two probe runs after " + millis,
        runs ->
            runs.stream()
                    .filter(r -> value(r).path("payload").path("fire_time").asLong() > millis)
                    .count()
                >= 2,
        TIMEOUT);
  }

  private static long serverMillis(PostgresServer pg) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long count(PostgresServer pg, String table) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode value(ConsumerRecord<String, String> r) {
    try {
      return JSON.readTree(r.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the table and its copy disagree on; a copy not there yet differs. */
  private static List<String> differences(PostgresServer pg, String table) {
    try {
      return TableComparison.differences(pg, table, table + "_copy", 5);
    } catch (SQLException e) {
      return List.of(e.getMessage());
    }
  }

  private static JsonNode header(ConsumerRecord<String, String> r, String name) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
    assertThat(h).as("header %s", name).isNotNull();
    try {
      // Bytes: Kafka's default header converter writes them as base64 text.
      return JSON.readTree(java.util.Base64.getDecoder().decode(h.value()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode field(JsonNode structSchema, String name) {
    for (JsonNode f : structSchema.path("fields")) {
      if (f.path("field").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no field " + name + " in " + structSchema);
  }
}
