package io.pgcdc.it.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker's config validation reaches the server: connection errors and missing tables. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkValidateIT {
  @Test
  void reportsAnUnreachableServerOnTheHostSetting(ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");

    Map<String, String> errors =
        f.validationErrors(
            Map.of("connection.host", "127.0.0.1", "connection.port", "1")); // nothing listens

    assertThat(errors).containsOnlyKeys("connection.host");
    assertThat(errors.get("connection.host")).contains("Cannot connect to", "connection.port");
  }

  @Test
  void reportsAMissingFixedTableUnlessTheConnectorCreatesIt(
      ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");

    Map<String, String> missing =
        f.validationErrors(Map.of("table.name.format", "public." + f.name, "auto.create", "false"));
    Map<String, String> created =
        f.validationErrors(Map.of("table.name.format", "public." + f.name, "auto.create", "true"));

    assertThat(missing).containsOnlyKeys("table.name.format");
    assertThat(missing.get("table.name.format")).contains("public." + f.name, "does not exist");
    assertThat(created).isEmpty();
  }

  @Test
  void reportsSettingsThatDoNotFitTogether(ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");

    Map<String, String> errors = f.validationErrors(Map.of("primary.key.mode", "record_value"));

    assertThat(errors).containsOnlyKeys("primary.key.fields");
  }
}
