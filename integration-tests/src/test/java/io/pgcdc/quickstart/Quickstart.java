package io.pgcdc.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.ConnectorPlugin;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaSettings;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The quickstart: a PostgreSQL server, a Kafka broker and a Connect worker on this machine, the
 * source and sink registered from config/*.json, and a stream of demo changes to watch arrive in
 * Kafka and in the sink's table. Ctrl-C deletes the connectors and waits until the source's slot
 * and publication are dropped, then stops the worker, the broker and PostgreSQL, in this order.
 */
public final class Quickstart {
  private static final String TABLE = "public.demo_orders";
  private static final String COPY = "public.demo_orders_copy";
  private static final Duration CHANGE_EVERY = Duration.ofSeconds(3);
  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> ITEMS =
      List.of("apples", "pears", "plums", "figs", "dates", "kiwis", "limes", "lemons");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile boolean stopping;

  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping = true));
    say("starting PostgreSQL, a Kafka broker and a Kafka Connect worker (about a minute) ...");
    PostgresServer pg = PostgresServer.shared();
    say(
        String.format(
            "PostgreSQL %d at %s:%d, database %s, user %s (%s)",
            pg.majorVersion(), pg.host(), pg.port(), pg.database(), pg.user(), pg.description()));
    ConnectCluster cluster =
        ConnectCluster.start(KafkaSettings.fromEnvironment(ItEnvironment.logDir()));
    say("Kafka broker at " + cluster.bootstrapServers());
    say(
        String.format(
            "Connect worker REST API at %s (logs in %s)",
            cluster.rest().baseUri(), ItEnvironment.logDir()));
    if (pg.directory() != null) {
      say(
          "PostgreSQL log: "
              + pg.directory().resolve("postgres.log")
              + " (kept in "
              + ItEnvironment.logDir()
              + " when it stops)");
    }
    createDemoTables(pg);

    ConnectorDefinition source = connector("pgcdc-source.json", pg);
    ConnectorDefinition sink = connector("pgcdc-sink.json", pg);
    // Whichever shutdown hook comes first, the connectors go before the worker (the cluster's
    // hook) and the worker before PostgreSQL (this sequence).
    cluster.beforeStop(() -> deleteConnectors(source, sink, cluster, pg));
    PostgresServer.stopSharedAtExit(stopPostgres -> stopInOrder(cluster, pg, stopPostgres));
    listPlugins(cluster);
    boolean sourceRuns = register(cluster, source);
    boolean sinkRuns = register(cluster, sink);

    say(String.format("ready in %.0f s. Try:", (System.nanoTime() - started) / 1e9));
    printHints(cluster, pg);
    if (sourceRuns) {
      daemon("kafka-tail", () -> tailTopic(cluster.bootstrapServers(), sink.get("topics")));
    }
    if (sinkRuns) {
      daemon("sink-watch", () -> watchCopy(pg));
    }
    writeChanges(pg);
  }

  private static void listPlugins(ConnectCluster cluster) {
    List<ConnectorPlugin> plugins = cluster.rest().plugins();
    say("plugins the worker found in " + ItEnvironment.pluginDir() + ":");
    plugins.forEach(p -> say("  " + p.type() + "  " + p.className() + "  " + p.version()));
    if (plugins.isEmpty()) {
      say("  (none: mvn -Pquickstart -DskipTests verify at the root builds the plugin)");
    }
  }

  private static void printHints(ConnectCluster cluster, PostgresServer pg) {
    String rest = cluster.rest().baseUri().toString();
    say("  curl -s " + rest + "connector-plugins");
    say("  curl -s '" + rest + "connectors?expand=status'");
    say(
        "  curl -s "
            + rest
            + "connectors/pgcdc-source/config   (the password is the reference"
            + " ${env:"
            + KafkaSettings.POSTGRES_PASSWORD_ENV
            + "}: the worker has it in its environment)");
    say(
        String.format(
            "  psql 'postgresql://%s:%s@%s:%d/%s' -c 'TABLE %s'",
            pg.user(), pg.password(), pg.host(), pg.port(), pg.database(), COPY));
    say(
        String.format(
            "Writing a change to %s every %d s. Press Ctrl-C to stop everything.",
            TABLE, CHANGE_EVERY.toSeconds()));
  }

  private static ConnectorDefinition connector(String file, PostgresServer pg) {
    return ConnectorDefinition.fromConfigDir(file)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user());
  }

  /** Creates the connector; on failure says why and goes on without it. */
  private static boolean register(ConnectCluster cluster, ConnectorDefinition connector) {
    try {
      cluster.rest().create(connector);
      cluster.rest().awaitRunning(connector.name(), Duration.ofSeconds(60));
      say("connector " + connector.name() + " is RUNNING (config/" + connector.name() + ".json)");
      return true;
    } catch (RuntimeException | AssertionError e) {
      say("!! connector " + connector.name() + " could not be started: " + firstLines(e, 12));
      say(
          "!! the worker keeps running; see its log and "
              + cluster.rest().baseUri()
              + "connectors/"
              + connector.name()
              + "/status");
      return false;
    }
  }

  private static void deleteConnectors(
      ConnectorDefinition source,
      ConnectorDefinition sink,
      ConnectCluster cluster,
      PostgresServer pg) {
    say("stopping: deleting the connectors ...");
    String slot = slotName(source);
    String publication = publicationName(source);
    List<String> existing = existing(pg, slot, publication);
    for (ConnectorDefinition connector : List.of(sink, source)) {
      try {
        cluster.rest().delete(connector.name());
        say("deleted connector " + connector.name());
      } catch (RuntimeException e) {
        say("!! cannot delete " + connector.name() + ": " + e.getMessage());
      }
    }
    if (existing.isEmpty()) {
      say("the source had no replication slot or publication to drop");
    } else {
      awaitCleanup(pg, slot, publication);
    }
    say("stopping the Connect worker and the Kafka broker ...");
  }

  /** After the worker and the broker: PostgreSQL, then the last line. */
  private static void stopInOrder(
      ConnectCluster cluster, PostgresServer pg, Runnable stopPostgres) {
    cluster.close(); // waits for the cluster's own shutdown hook if that runs already
    say("stopped the Connect worker and the Kafka broker; stopping PostgreSQL ...");
    stopPostgres.run();
    say(
        pg.directory() == null
            ? "stopped. PostgreSQL at " + pg.host() + ":" + pg.port() + " is not ours: left running"
            : "stopped: PostgreSQL, the Kafka broker and the Connect worker; their data is deleted,"
                + " their logs are in "
                + ItEnvironment.logDir());
  }

  /**
   * Waits for the source's slot and publication to go: the worker's cleanup-on-delete extension
   * drops them before DELETE answers, so this normally returns at once; it also says so.
   */
  private static void awaitCleanup(PostgresServer pg, String slot, String publication) {
    Deadline deadline = Deadline.in(CLEANUP_TIMEOUT);
    List<String> left;
    try {
      while (!(left = leftOver(pg, slot, publication)).isEmpty() && !deadline.expired()) {
        deadline.pause();
      }
    } catch (SQLException e) {
      say("!! cannot check the replication slot and publication: " + e.getMessage());
      return;
    }
    if (left.isEmpty()) {
      say("dropped replication slot " + slot + " and publication " + publication);
    } else {
      say(
          "!! still there after "
              + CLEANUP_TIMEOUT.toSeconds()
              + " s: "
              + left
              + " (see the worker log; docs/operations.md#cleanup-on-delete)");
    }
  }

  /** What {@link #leftOver} finds; on a failed query, both, so that the cleanup is awaited. */
  private static List<String> existing(PostgresServer pg, String slot, String publication) {
    try {
      return leftOver(pg, slot, publication);
    } catch (SQLException e) {
      return List.of("slot " + slot, "publication " + publication);
    }
  }

  /** The slot and publication of the two that still exist. */
  private static List<String> leftOver(PostgresServer pg, String slot, String publication)
      throws SQLException {
    List<String> left = new java.util.ArrayList<>();
    try (Connection c = pg.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name = ?"
                    + " UNION ALL SELECT 'publication ' || pubname FROM pg_publication"
                    + " WHERE pubname = ?")) {
      s.setString(1, slot);
      s.setString(2, publication);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          left.add(rows.getString(1));
        }
      }
    }
    return left;
  }

  /**
   * The source's slot: {@code slot.name}, else {@code pgcdc_} and the connector name reduced to
   * {@code [a-z0-9_]} (docs/operations.md#cleanup-on-delete).
   */
  private static String slotName(ConnectorDefinition source) {
    String slot = source.get("slot.name");
    return slot != null && !slot.isBlank()
        ? slot.trim()
        : ("pgcdc_" + source.name())
            .toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9]", "_");
  }

  private static String publicationName(ConnectorDefinition source) {
    String publication = source.get("publication.name");
    return publication != null && !publication.isBlank() ? publication.trim() : slotName(source);
  }

  private static void createDemoTables(PostgresServer pg) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE + ", " + COPY);
      s.execute(
          "CREATE TABLE "
              + TABLE
              + " (id bigint PRIMARY KEY, item text NOT NULL,"
              + " quantity integer NOT NULL, price numeric(10,2), updated_at timestamptz NOT NULL"
              + " DEFAULT now())");
      // The sink can create its table (auto.create); made here so the demo shows rows either way.
      s.execute("CREATE TABLE " + COPY + " (LIKE " + TABLE + " INCLUDING ALL)");
      s.execute(
          "INSERT INTO "
              + TABLE
              + " (id, item, quantity, price) VALUES"
              + " (1, 'apples', 3, 1.20), (2, 'pears', 5, 0.80), (3, 'plums', 2, 2.50)");
    }
    say(
        "created "
            + TABLE
            + " with 3 rows (the source snapshots them), and "
            + COPY
            + " for the sink");
  }

  /** Inserts, updates and deletes rows, one change at a time, until the JVM stops. */
  private static void writeChanges(PostgresServer pg) throws SQLException, InterruptedException {
    long nextId = 4;
    for (int step = 0; ; step++) {
      Thread.sleep(CHANGE_EVERY.toMillis()); // pacing the demo for a human to read
      if (stopping) {
        continue; // nothing more to watch: the connectors go first
      }
      try (Connection c = pg.connect()) {
        switch (step % 3) {
          case 0 -> {
            String item = ITEMS.get((int) (nextId % ITEMS.size()));
            update(
                c,
                "INSERT INTO " + TABLE + " (id, item, quantity, price) VALUES (?, ?, ?, ?)",
                nextId,
                item,
                (int) (nextId % 7) + 1,
                new java.math.BigDecimal("1.05"));
            say("postgres  INSERT id=" + nextId++ + " " + item);
          }
          case 1 -> {
            update(
                c,
                "UPDATE "
                    + TABLE
                    + " SET quantity = quantity + 1, updated_at = now()"
                    + " WHERE id = (SELECT max(id) FROM "
                    + TABLE
                    + ")");
            say("postgres  UPDATE the newest order: quantity + 1");
          }
          default -> {
            update(
                c,
                "DELETE FROM "
                    + TABLE
                    + " WHERE id = (SELECT min(id) FROM "
                    + TABLE
                    + ") AND (SELECT count(*) FROM "
                    + TABLE
                    + ") > 4");
            say("postgres  DELETE the oldest order (while more than 4 are left)");
          }
        }
      } catch (SQLException e) {
        if (!stopping) {
          say("postgres  write failed: " + e.getMessage());
        }
      }
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      statement.executeUpdate();
    }
  }

  /** Prints each change record that arrives in the source's topic. */
  private static void tailTopic(String bootstrapServers, String topic) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "pgcdc-quickstart-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (true) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
          say("kafka     " + topic + " " + describe(record.value()));
        }
      }
    }
  }

  private static String describe(String value) {
    if (value == null) {
      return "tombstone (null value after a delete: lets compaction drop the key)";
    }
    try {
      JsonNode json = JSON.readTree(value);
      JsonNode payload = json.has("payload") ? json.path("payload") : json;
      String op = payload.path("op").asText("?");
      JsonNode row = op.equals("d") ? payload.path("before") : payload.path("after");
      return "op=" + op + " " + (op.equals("d") ? "before=" : "after=") + row;
    } catch (java.io.IOException e) {
      return value.length() > 200 ? value.substring(0, 200) + "..." : value;
    }
  }

  /** Prints the sink's table whenever its contents change. */
  private static void watchCopy(PostgresServer pg) {
    String last = "";
    while (true) {
      try (Connection c = pg.connect();
          Statement s = c.createStatement();
          ResultSet rows =
              s.executeQuery(
                  "SELECT count(*), coalesce(string_agg(id || ':' || item || ' x' || quantity,"
                      + " ', ' ORDER BY id), '') FROM "
                      + COPY)) {
        rows.next();
        String now = rows.getLong(1) + " rows: " + rows.getString(2);
        if (!now.equals(last)) {
          say("sink      " + COPY + " " + now);
          last = now;
        }
        Thread.sleep(1000); // pacing the display
      } catch (SQLException e) {
        if (!stopping) {
          say("sink      cannot read " + COPY + ": " + e.getMessage());
        }
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, "pgcdc-quickstart-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private static String firstLines(Throwable e, int lines) {
    return String.join("\n", String.valueOf(e.getMessage()).lines().limit(lines).toList());
  }

  private static void say(String line) {
    System.out.println("[pgcdc] " + line);
  }
}
