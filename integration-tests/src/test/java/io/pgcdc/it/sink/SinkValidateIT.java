package io.pgcdc.it.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker's config validation reaches the server: connection errors and missing tables. */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SinkValidateIT {
  private static final String SINK = "io.pgcdc.connector.sink.PostgresSinkConnector";

  @Test
  void reportsAnUnreachableServerOnTheHostSetting(ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");
    Map<String, String> config = new HashMap<>(f.connector().config());
    config.put("name", f.name);
    config.put("connection.host", "127.0.0.1");
    config.put("connection.port", "1"); // nothing listens on port 1

    Map<String, String> errors =
        ConnectRestClient.validationErrors(cluster.rest().validate(SINK, config));

    assertThat(errors).containsOnlyKeys("connection.host");
    assertThat(errors.get("connection.host")).contains("Cannot connect to", "connection.port");
  }

  @Test
  void reportsAMissingFixedTableUnlessTheConnectorCreatesIt(
      ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");
    Map<String, String> config = new HashMap<>(f.connector().config());
    config.put("name", f.name);
    config.put("table.name.format", "public." + f.name);
    config.put("auto.create", "false");

    Map<String, String> missing =
        ConnectRestClient.validationErrors(cluster.rest().validate(SINK, config));
    config.put("auto.create", "true");
    Map<String, String> created =
        ConnectRestClient.validationErrors(cluster.rest().validate(SINK, config));

    assertThat(missing).containsOnlyKeys("table.name.format");
    assertThat(missing.get("table.name.format")).contains("public." + f.name, "does not exist");
    assertThat(created).isEmpty();
  }

  @Test
  void reportsSettingsThatDoNotFitTogether(ConnectCluster cluster, PostgresServer pg) {
    SinkFixture f = new SinkFixture(cluster, pg, "sink_validate");
    Map<String, String> config = new HashMap<>(f.connector().config());
    config.put("name", f.name);
    config.put("primary.key.mode", "record_value");

    Map<String, String> errors =
        ConnectRestClient.validationErrors(cluster.rest().validate(SINK, config));

    assertThat(errors).containsOnlyKeys("primary.key.fields");
  }
}
