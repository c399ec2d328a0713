package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets through the config providers that config/connect-distributed.properties enables: Connect
 * answers every REST request with the reference as submitted, the worker resolves it for the
 * connector, and a password given in clear is returned in clear and warned about in the worker log.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class ConfigProvidersIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String ENV_REFERENCE = "${env:PGCDC_POSTGRES_PASSWORD}";
  private static final String WARNING = "in clear text. Kafka Connect keeps a config as given";

  @Test
  void aFileReferenceIsWhatTheRestApiReturnsAndTheSourceLogsInWithThePassword(
      PostgresServer pg, ConnectCluster cluster, @TempDir Path secrets)
      throws IOException, SQLException {
    Path file = secrets.resolve("postgres.properties");
    Files.writeString(file, "password=" + pg.password() + "\n");
    String reference = "${file:" + file + ":password}";
    String table = pg.uniqueName("secrets");
    pg.execute(
        "CREATE TABLE public." + table + " (id int PRIMARY KEY, item text)",
        "INSERT INTO public." + table + " VALUES (1, 'apples')");
    ConnectorDefinition source =
        shipped("pgcdc-source.json", pg)
            .with("connection.password", reference)
            .with("table.include.list", "public." + table)
            .with("topic.prefix", table);
    long logStart = LogFiles.size(workerLog(cluster));
    try {
      JsonNode created = cluster.rest().create(source);
      cluster.rest().awaitRunning(source.name(), TIMEOUT);

      assertThat(created.path("config").path("connection.password").asText())
          .as("POST /connectors answer")
          .isEqualTo(reference);
      assertPasswordsInAnswers(cluster, source.name(), reference);
      // The snapshot row arrives: the task logged in with the password the file holds.
      assertThat(cluster.read(table + ".public." + table, 1, TIMEOUT)).hasSize(1);
      assertThat(LogFiles.since(workerLog(cluster), logStart))
          .as("no clear-text warning for %s", source.name())
          .doesNotContain("(connector " + source.name() + ")");

      // The cleanup-on-delete extension resolves the reference with the worker's providers.
      cluster.rest().delete(source.name());
      assertThat(slots(pg, "pgcdc_" + source.name())).as("slot after DELETE").isZero();
    } finally {
      cluster.rest().delete(source.name());
      pg.execute("DROP TABLE IF EXISTS public." + table);
    }
  }

  @Test
  void theShippedEnvReferenceIsResolvedAtValidationAndReturnedAsGiven(
      PostgresServer pg, ConnectCluster cluster) {
    ConnectorDefinition sink =
        shipped("pgcdc-sink.json", pg).with("topics", pg.uniqueName("secrets_topic"));
    assertThat(sink.get("connection.password")).isEqualTo(ENV_REFERENCE);
    try {
      // Validation logs in to the server: it would fail with an unresolved reference.
      cluster.rest().create(sink);
      cluster.rest().awaitRunning(sink.name(), TIMEOUT);

      assertPasswordsInAnswers(cluster, sink.name(), ENV_REFERENCE);
    } finally {
      cluster.rest().delete(sink.name());
    }
  }

  @Test
  void aPasswordInClearIsReturnedInClearAndWarnedAboutButNotRejected(
      PostgresServer pg, ConnectCluster cluster) {
    ConnectorDefinition sink =
        shipped("pgcdc-sink.json", pg)
            .with("topics", pg.uniqueName("secrets_topic"))
            .with("connection.password", pg.password());
    Path log = workerLog(cluster);
    long logStart = LogFiles.size(log);
    try {
      JsonNode validation =
          cluster.rest().validate("PostgresSinkConnector", sink.with("name", sink.name()).config());
      assertThat(ConnectRestClient.validationErrors(validation)).as("validation errors").isEmpty();
      assertThat(passwordValue(validation)).as("validation answer").isEqualTo("[hidden]");
      JsonNode created = cluster.rest().create(sink);
      cluster.rest().awaitRunning(sink.name(), TIMEOUT);

      assertThat(created.path("config").path("connection.password").asText())
          .isEqualTo(pg.password());
      assertPasswordsInAnswers(cluster, sink.name(), pg.password());
      List<String> warnings = new ArrayList<>();
      Deadline.in(TIMEOUT)
          .await(
              "two warnings in the worker log, for the validation and the creation",
              () -> warnings(log, logStart, sink.name(), warnings).size() == 2,
              () -> "found " + warnings);
      assertThat(warnings.get(0))
          .contains("PUT /connector-plugins/PostgresSinkConnector/config/validate")
          .contains("connection.password");
      assertThat(warnings.get(1))
          .contains("POST /connectors (connector " + sink.name() + "): connection.password")
          .contains("${env:PGCDC_POSTGRES_PASSWORD}");
      assertThat(LogFiles.since(log, logStart))
          .as("the worker log since the validation")
          .doesNotContain(pg.password());
    } finally {
      cluster.rest().delete(sink.name());
    }
  }

  private static int slots(PostgresServer pg, String slot) throws SQLException {
    try (Connection c = pg.connect();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  @Test
  void aReferenceThatCannotBeResolvedFailsValidationOnThePassword(
      PostgresServer pg, ConnectCluster cluster) {
    ConnectorDefinition sink =
        shipped("pgcdc-sink.json", pg).with("connection.password", "${env:PGCDC_NO_SUCH_VARIABLE}");

    JsonNode validation = cluster.rest().validate("PostgresSinkConnector", sink.config());

    assertThat(ConnectRestClient.validationErrors(validation)).containsKey("connection.password");
  }

  private static String passwordValue(JsonNode validation) {
    for (JsonNode config : validation.path("configs")) {
      if (config.path("value").path("name").asText().equals("connection.password")) {
        return config.path("value").path("value").asText();
      }
    }
    throw new AssertionError("no connection.password in " + validation);
  }

  /** GET /connectors/NAME, .../config and every task's config of .../tasks. */
  private static void assertPasswordsInAnswers(
      ConnectCluster cluster, String name, String expected) {
    JsonNode info = cluster.rest().get("connectors/" + name);
    assertThat(info.path("config").path("connection.password").asText())
        .as("GET /connectors/%s", name)
        .isEqualTo(expected);
    assertThat(cluster.rest().config(name).get("connection.password"))
        .as("GET /connectors/%s/config", name)
        .isEqualTo(expected);
    JsonNode tasks = cluster.rest().get("connectors/" + name + "/tasks");
    assertThat(tasks.size()).as("tasks of %s", name).isPositive();
    for (JsonNode task : tasks) {
      assertThat(task.path("config").path("connection.password").asText())
          .as("GET /connectors/%s/tasks", name)
          .isEqualTo(expected);
    }
  }

  /** The clear-text warnings about this connector (other tests share the worker). */
  private static List<String> warnings(Path log, long from, String name, List<String> found) {
    found.clear();
    LogFiles.since(log, from)
        .lines()
        .filter(line -> line.contains(WARNING) && line.contains("(connector " + name + ")"))
        .forEach(found::add);
    return found;
  }

  private static Path workerLog(ConnectCluster cluster) {
    return cluster.worker().process().logFile();
  }

  private static ConnectorDefinition shipped(String file, PostgresServer pg) {
    ConnectorDefinition shipped = ConnectorDefinition.fromConfigDir(file);
    return shipped
        .withName(pg.uniqueName(shipped.name().replace('-', '_')))
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user());
  }
}
