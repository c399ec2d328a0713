package io.pgcdc.it.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PUT /connector-plugins/PostgresNotifySourceConnector/config/validate reports, on the setting to
 * change, what would keep the notify source from running: the same connection errors as the other
 * connectors, bad channel lists, settings that do not fit together.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyValidationIT {
  private static Map<String, String> validate(ConnectCluster cluster, ConnectorDefinition def) {
    Map<String, String> config = new HashMap<>(def.config());
    config.put("name", def.name());
    return ConnectRestClient.validationErrors(
        cluster.rest().validate(NotifyFixture.CONNECTOR, config));
  }

  @Test
  void theShippedConfigPointedAtTheServerHasNoErrors(ConnectCluster cluster, PostgresServer pg) {
    // The password stays the shipped ${env:PGCDC_POSTGRES_PASSWORD}, which the worker resolves.
    ConnectorDefinition def =
        ConnectorDefinition.fromConfigDir("pgcdc-notify.json")
            .withName(pg.uniqueName("val_ok"))
            .withConnection(pg.host(), pg.port(), pg.database(), pg.user())
            .with("channels", "a, \"B c\"");

    assertThat(def.get("connection.password")).isEqualTo("${env:PGCDC_POSTGRES_PASSWORD}");
    assertThat(validate(cluster, def)).isEmpty();
  }

  @Test
  void connectionFailuresNameTheSettingAndWhatToDo(ConnectCluster cluster, PostgresServer pg) {
    ConnectorDefinition def = NotifyFixture.notifySource(pg, pg.uniqueName("val_conn"), "a");
    String secret = "wrong-" + UUID.randomUUID();

    Map<String, String> unreachable = validate(cluster, def.with("connection.port", "1"));
    Map<String, String> badPassword =
        validate(
            cluster, def.withConnection(pg.host(), pg.port(), pg.database(), "nosuchuser", secret));
    Map<String, String> noSsl = validate(cluster, def.with("connection.sslmode", "require"));

    assertThat(unreachable).containsOnlyKeys("connection.host");
    assertThat(unreachable.get("connection.host"))
        .contains("Could not connect", "connection.port", "listens");
    assertThat(badPassword).containsOnlyKeys("connection.password");
    assertThat(badPassword.get("connection.password"))
        .contains("nosuchuser", "connection.user")
        .doesNotContain(secret);
    assertThat(noSsl).containsOnlyKeys("connection.sslmode");
    assertThat(noSsl.get("connection.sslmode"))
        .contains("does not support SSL", "connection.sslmode=disable");
  }

  @Test
  void badChannelsAndSettingsThatDoNotFitAreReportedOnTheirSetting(
      ConnectCluster cluster, PostgresServer pg) {
    ConnectorDefinition def = NotifyFixture.notifySource(pg, pg.uniqueName("val_set"), "a");

    Map<String, String> empty = validate(cluster, def.with("channels", "a,,b"));
    Map<String, String> tooLong = validate(cluster, def.with("channels", "x".repeat(64)));
    Map<String, String> keyField = validate(cluster, def.with("key.mode", "field"));

    assertThat(empty).containsOnlyKeys("channels");
    assertThat(empty.get("channels")).contains("empty");
    assertThat(tooLong.get("channels")).contains("64 bytes", "63");
    assertThat(keyField).containsOnlyKeys("key.field", "key.mode");
    assertThat(keyField.get("key.mode")).contains("payload.format=json");
  }

  @Test
  void aUserWhoMayNotReadTheQueueUsageIsToldWhatToGrant(ConnectCluster cluster) {
    PostgresServer own = PostgresServer.startOwn();
    try {
      own.execute(
          "CREATE ROLE plain_listener LOGIN PASSWORD 'plain-pw'",
          "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_notification_queue_usage() FROM PUBLIC");
      ConnectorDefinition def =
          NotifyFixture.notifySource(own, own.uniqueName("val_grant"), "a")
              .withConnection(own.host(), own.port(), own.database(), "plain_listener", "plain-pw");

      Map<String, String> errors = validate(cluster, def);

      assertThat(errors).containsOnlyKeys("connection.user");
      assertThat(errors.get("connection.user"))
          .contains(
              "\"plain_listener\" may not call pg_notification_queue_usage()",
              "GRANT EXECUTE ON FUNCTION pg_notification_queue_usage() TO \"plain_listener\"");
    } finally {
      own.stop();
    }
  }
}
