package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.source.PostgresSourceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleanupTargetTest {
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";

  private static Map<String, String> source(String name, String... keyValues) {
    Map<String, String> config = new HashMap<>();
    config.put("name", name);
    config.put("connector.class", SOURCE);
    config.put("connection.url", "postgresql://app:s3cret@db.example:5433/shop");
    config.put("table.include.list", "public.orders");
    for (int i = 0; i < keyValues.length; i += 2) {
      config.put(keyValues[i], keyValues[i + 1]);
    }
    return config;
  }

  @Test
  void aSourceTargetsTheSlotAndPublicationNamedAfterIt() {
    CleanupTarget target = CleanupTarget.of("Orders-EU", source("Orders-EU")).orElseThrow();

    assertThat(target.slot()).isEqualTo("pgcdc_orders_eu");
    assertThat(target.publication()).isEqualTo("pgcdc_orders_eu");
    assertThat(target.connection().describe()).isEqualTo("app@db.example:5433/shop");
    assertThat(target.connection().applicationName()).isEqualTo("pgcdc-cleanup");
    assertThat(target.connectionProblem()).isNull();
  }

  @Test
  void namesFromTheRawConfigAgreeWithTheParsedConfig() {
    for (Map<String, String> config :
        List.of(
            source("orders"),
            source("A very long name with spaces and ÄÖÜ that goes on and on and on and on"),
            source("o", "slot.name", "my_slot"),
            source("o", "publication.name", "my_pub"),
            source("o", "slot.name", "s1", "publication.name", "p1"))) {
      PostgresSourceConfig parsed = new PostgresSourceConfig(config);
      assertThat(PostgresSourceConfig.slotName(config)).isEqualTo(parsed.slotName());
      assertThat(PostgresSourceConfig.publicationName(config)).isEqualTo(parsed.publicationName());
    }
  }

  @Test
  void cleanupOnDeleteFalseTargetsNothing() {
    assertThat(CleanupTarget.of("o", source("o", "cleanup.on.delete", "false"))).isEmpty();
    assertThat(CleanupTarget.of("o", source("o", "cleanup.on.delete", "FALSE"))).isEmpty();
    assertThat(
            CleanupTarget.of(
                "o", source("o", "cleanup.on.delete", "false", "connection.port", "${vault:p}")))
        .as("also when other settings do not parse")
        .isEmpty();
    assertThat(CleanupTarget.of("o", source("o", "cleanup.on.delete", "true"))).isPresent();
  }

  @Test
  void otherConnectorsAreNoTargets() {
    Map<String, String> sink = source("s");
    sink.put("connector.class", "io.pgcdc.connector.sink.PostgresSinkConnector");
    Map<String, String> other = source("x");
    other.put("connector.class", "org.example.PostgresSourceConnectorX");
    Map<String, String> none = source("n");
    none.remove("connector.class");

    assertThat(CleanupTarget.of("s", sink)).isEmpty();
    assertThat(CleanupTarget.of("x", other)).isEmpty();
    assertThat(CleanupTarget.of("n", none)).isEmpty();
  }

  @Test
  void theClassMayBeNamedAsConnectAcceptsIt() {
    for (String alias :
        List.of(SOURCE, "PostgresSourceConnector", "PostgresSource", SOURCE + " ")) {
      assertThat(CleanupTarget.isSource(Map.of("connector.class", alias))).as(alias).isTrue();
    }
  }

  @Test
  void settingsThatDoNotParseStillNameTheObjectsAndTheProblemWithoutThePassword() {
    CleanupTarget target =
        CleanupTarget.of("o", source("o", "connection.port", "${vault:db:port}")).orElseThrow();

    assertThat(target.connection()).isNull();
    assertThat(target.connectionProblem()).contains("connection.port").doesNotContain("s3cret");
    assertThat(target.slot()).isEqualTo("pgcdc_o");
    assertThat(target.where()).isEqualTo("its database");
    assertThat(target.toString()).doesNotContain("s3cret");
  }

  @Test
  void manualSqlDropsBothWithQuotedNames() {
    CleanupTarget target =
        CleanupTarget.of("o", source("o", "slot.name", "s_1", "publication.name", "p_1"))
            .orElseThrow();

    assertThat(target.manualSql())
        .isEqualTo("SELECT pg_drop_replication_slot('s_1'); DROP PUBLICATION IF EXISTS \"p_1\";");
  }
}
