package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The worker's validate endpoint reports what would keep the source from running, on the setting to
 * change, saying what failed and what to do.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SourceValidationIT {
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static Map<String, String> config(ConnectorDefinition def) {
    Map<String, String> config = new HashMap<>(def.config());
    config.put("name", def.name());
    return config;
  }

  private static Map<String, String> validate(ConnectCluster cluster, ConnectorDefinition def) {
    return ConnectRestClient.validationErrors(cluster.rest().validate(SOURCE, config(def)));
  }

  @Test
  void connectionFailuresNameTheSettingAndWhatToDo(ConnectCluster cluster, PostgresServer pg) {
    String table = pg.uniqueName("val_conn");
    ConnectorDefinition def = SourceFixture.source(pg, table, "public." + table);
    String secret = "wrong-" + UUID.randomUUID();

    Map<String, String> unreachable = validate(cluster, def.with("connection.port", "1"));
    Map<String, String> badPassword = validate(cluster, def.with("connection.password", secret));
    Map<String, String> noSsl = validate(cluster, def.with("connection.sslmode", "require"));

    assertThat(unreachable).containsOnlyKeys("connection.host");
    assertThat(unreachable.get("connection.host"))
        .contains("Could not connect", "connection.port", "listens");
    assertThat(badPassword).containsOnlyKeys("connection.password");
    assertThat(badPassword.get("connection.password"))
        .contains("password authentication failed", "connection.user")
        .doesNotContain(secret);
    assertThat(noSsl).containsOnlyKeys("connection.sslmode");
    assertThat(noSsl.get("connection.sslmode"))
        .contains("does not support SSL", "connection.sslmode=disable");
  }

  @Test
  void serverWithoutLogicalDecodingOrAFreeSlotOrWithoutSslIsRefused(ConnectCluster cluster)
      throws IOException {
    PostgresServer own = PostgresServer.startOwn("wal_level=replica", "max_replication_slots=1");
    try {
      own.execute(
          "CREATE TABLE public.orders (id bigint PRIMARY KEY)",
          "SELECT pg_create_physical_replication_slot('standby_one')");
      ConnectorDefinition def =
          ConnectorDefinition.fromConfigDir("pgcdc-source.json")
              .withName(own.uniqueName("val_server"))
              .withConnection(own.host(), own.port(), own.database(), own.user(), own.password())
              .with("table.include.list", "public.orders");

      Map<String, String> errors = validate(cluster, def);

      assertThat(errors).containsOnlyKeys("snapshot.mode", "slot.name");
      assertThat(errors.get("snapshot.mode"))
          .contains("wal_level is replica", "wal_level = logical", "snapshot.mode=initial_only");
      assertThat(errors.get("slot.name"))
          .contains(
              "no free replication slot",
              "max_replication_slots is 1",
              "standby_one",
              "pg_drop_replication_slot");

      // A server that admits this user over SSL only (its pg_hba.conf rejects it unencrypted).
      own.execute("CREATE ROLE ssl_only LOGIN SUPERUSER PASSWORD 'ssl-only-pw'");
      Path hba = Path.of(query(own, "SHOW hba_file"));
      Files.writeString(
          hba,
          "hostnossl all ssl_only 127.0.0.1/32 reject\n"
              + "hostnossl all ssl_only ::1/128 reject\n"
              + Files.readString(hba));
      own.execute("SELECT pg_reload_conf()");
      Deadline.in(Duration.ofSeconds(30))
          .await(
              "pg_hba.conf to be reloaded",
              () -> !canLogIn(own, "ssl_only", "ssl-only-pw"),
              () -> "still admitted");
      Map<String, String> sslOnly =
          validate(
              cluster,
              def.withConnection(
                  own.host(), own.port(), own.database(), "ssl_only", "ssl-only-pw"));

      assertThat(sslOnly).containsOnlyKeys("connection.sslmode");
      assertThat(sslOnly.get("connection.sslmode"))
          .contains("pg_hba.conf", "connection.sslmode=require")
          .doesNotContain("ssl-only-pw");
    } finally {
      own.stop();
    }
  }

  @Test
  void aPatternThatMatchesNoTableIsReportedByItsEntry(ConnectCluster cluster, PostgresServer pg) {
    String full = pg.uniqueName("val_full");
    String table = pg.uniqueName("val_pattern");
    String empty = pg.uniqueName("val_empty");
    String missing = pg.uniqueName("nosuchschema");
    pg.execute(
        "CREATE SCHEMA " + full,
        "CREATE TABLE " + full + ".t (id bigint PRIMARY KEY)",
        "CREATE TABLE public." + table + " (id bigint PRIMARY KEY)",
        "CREATE SCHEMA " + empty);
    try {
      Map<String, String> nothing =
          validate(cluster, SourceFixture.source(pg, table, missing + ".*"));
      Map<String, String> mixed =
          validate(
              cluster,
              SourceFixture.source(
                  pg,
                  table,
                  full + ".*, " + missing + ".*, public." + table + ", " + empty + ".*"));

      assertThat(nothing).containsOnlyKeys("table.include.list");
      assertThat(nothing.get("table.include.list"))
          .contains("'" + missing + ".*' in table.include.list matches no table", q(missing));
      assertThat(mixed).containsOnlyKeys("table.include.list");
      assertThat(mixed.get("table.include.list"))
          .contains("'" + missing + ".*'", "'" + empty + ".*'")
          .doesNotContain(full, "public." + table);
    } finally {
      pg.execute(
          "DROP TABLE public." + table, "DROP SCHEMA " + empty, "DROP SCHEMA " + full + " CASCADE");
    }
  }

  @Test
  void aPatternWhoseTablesAreGoneAtStartIsWarnedAbout(ConnectCluster cluster, PostgresServer pg)
      throws Exception {
    String name = pg.uniqueName("val_gone");
    String schema = name + "_s";
    pg.execute(
        "CREATE SCHEMA " + schema,
        "CREATE TABLE " + schema + ".t (id bigint PRIMARY KEY)",
        "INSERT INTO " + schema + ".t VALUES (1)");
    Path workerLog = cluster.worker().process().logFile();
    try {
      cluster.rest().create(SourceFixture.source(pg, name, schema + ".*"));
      SourceFixture.readUntil(cluster, name + "." + schema + ".t", l -> !l.isEmpty(), TIMEOUT);
      pg.execute("DROP TABLE " + schema + ".t");
      long logBefore = LogFiles.size(workerLog);
      cluster.rest().restart(name);
      String expected = "'" + schema + ".*' in table.include.list matches no table";
      Deadline.in(TIMEOUT)
          .await(
              "the warning about " + schema + ".* in the worker log",
              () -> LogFiles.since(workerLog, logBefore).contains(expected),
              () -> LogFiles.tail(workerLog, 40));
      assertThat(LogFiles.since(workerLog, logBefore))
          .contains("WARN", "nothing is captured for it");
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP SCHEMA " + schema);
    }
  }

  @Test
  void missingPrivilegesTablesAndKeysAreReportedWithTheGrantsToRun(
      ConnectCluster cluster, PostgresServer pg) {
    String role = pg.uniqueName("val_role");
    String password = "pw-" + UUID.randomUUID();
    String table = pg.uniqueName("val_priv");
    String noKey = pg.uniqueName("val_nokey");
    String missing = pg.uniqueName("val_missing");
    String publication = pg.uniqueName("val_pub");
    pg.execute(
        "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
        "CREATE TABLE public." + table + " (id bigint PRIMARY KEY)",
        "CREATE TABLE public." + noKey + " (v text)",
        "GRANT SELECT ON public." + noKey + " TO " + role);
    try {
      ConnectorDefinition def =
          SourceFixture.source(
                  pg, table, "public." + table + ", public." + noKey + ", public." + missing)
              .withConnection(pg.host(), pg.port(), pg.database(), role, password);

      Map<String, String> first = validate(cluster, def);

      assertThat(first)
          .containsOnlyKeys("connection.user", "table.include.list", "publication.name");
      assertThat(first.get("connection.user"))
          .contains("lacks the REPLICATION attribute", "ALTER ROLE " + q(role) + " REPLICATION");
      assertThat(first.get("table.include.list"))
          .contains(
              "may not read table public." + table,
              "GRANT SELECT ON " + q("public") + "." + q(table) + " TO " + q(role),
              noKey + " has no primary key",
              missing + " does not exist");
      assertThat(first.get("publication.name"))
          .contains("does not exist", "cannot create it", "CREATE PUBLICATION");

      pg.execute(
          "ALTER ROLE " + q(role) + " REPLICATION",
          "GRANT SELECT ON " + q("public") + "." + q(table) + " TO " + q(role),
          "CREATE PUBLICATION " + publication + " FOR TABLE public." + noKey);
      ConnectorDefinition fixed =
          def.with("table.include.list", "public." + table).with("publication.name", publication);

      Map<String, String> someoneElses = validate(cluster, fixed);
      pg.execute("ALTER PUBLICATION " + publication + " SET TABLE public." + table);
      Map<String, String> fitting = validate(cluster, fixed);

      assertThat(someoneElses).containsOnlyKeys("publication.name");
      assertThat(someoneElses.get("publication.name"))
          .contains(
              "owned by " + q(pg.user()),
              "does not publish exactly " + q("public") + "." + q(table),
              "ALTER PUBLICATION " + q(publication) + " SET TABLE " + q("public") + "." + q(table));
      assertThat(fitting).isEmpty();
    } finally {
      pg.execute(
          "DROP PUBLICATION IF EXISTS " + publication,
          "DROP TABLE public." + table + ", public." + noKey,
          "DROP ROLE " + role);
    }
  }

  @Test
  void slotThatAnotherClientReadsIsReportedOnTheSlotName(ConnectCluster cluster, PostgresServer pg)
      throws SQLException {
    String table = pg.uniqueName("val_slot");
    String slot = pg.uniqueName("val_slot_busy");
    pg.execute(
        "CREATE TABLE public." + table + " (id bigint PRIMARY KEY)",
        "CREATE PUBLICATION " + slot + " FOR TABLE public." + table,
        "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    try {
      ConnectorDefinition def =
          SourceFixture.source(pg, table, "public." + table)
              .with("slot.name", slot)
              .with("publication.name", slot);
      try (Connection replication = pg.replicationConnection("other-client");
          PGReplicationStream stream =
              replication
                  .unwrap(PGConnection.class)
                  .getReplicationAPI()
                  .replicationStream()
                  .logical()
                  .withSlotName(slot)
                  .withSlotOption("proto_version", "1")
                  .withSlotOption("publication_names", slot)
                  .start()) {
        Deadline.in(Duration.ofSeconds(30))
            .await("slot " + slot + " to be active", () -> active(pg, slot), () -> "inactive");

        Map<String, String> busy = validate(cluster, def);

        assertThat(busy).containsOnlyKeys("slot.name");
        assertThat(busy.get("slot.name"))
            .contains(slot, "in use by another client", "other-client", "choose another slot.name");
        assertThat(stream.isClosed()).isFalse();
      }
      Deadline.in(Duration.ofSeconds(30))
          .await("slot " + slot + " to be released", () -> !active(pg, slot), () -> "active");
      assertThat(validate(cluster, def)).isEmpty();
    } finally {
      pg.execute(
          "SELECT pg_drop_replication_slot('" + slot + "')",
          "DROP PUBLICATION " + slot,
          "DROP TABLE public." + table);
    }
  }

  private static String query(PostgresServer pg, String sql) {
    try (Connection c = pg.connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static boolean canLogIn(PostgresServer pg, String user, String password) {
    Properties props = new Properties();
    PGProperty.USER.set(props, user);
    PGProperty.PASSWORD.set(props, password);
    PGProperty.SSL_MODE.set(props, "disable");
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), props)) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static String q(String name) {
    return '"' + name + '"';
  }

  private static boolean active(PostgresServer pg, String slot) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
