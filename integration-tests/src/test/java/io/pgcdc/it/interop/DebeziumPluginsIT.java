package io.pgcdc.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorPlugin;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test worker loads Debezium's plugins from their own folder of {@code plugin.path}, next to
 * pgcdc's (which {@code io.pgcdc.it.smoke.PluginLoadingIT} checks), each in its own class loader.
 */
@ExtendWith(KafkaConnectExtension.class)
class DebeziumPluginsIT {
  @Test
  void workerLoadsDebeziumsConnectorsAndTransformFromTheirOwnFolder(ConnectCluster cluster)
      throws IOException {
    List<Path> extra = ItEnvironment.extraPluginDirs();
    assertThat(extra).as("folders of plugin.path after pgcdc's").hasSize(1);
    String jdbc = extra.get(0).resolve("debezium-connector-jdbc").toFile().toURI().toString();
    String postgres =
        extra.get(0).resolve("debezium-connector-postgres").toFile().toURI().toString();

    List<String> loaded;
    try (Stream<String> lines =
        Files.lines(cluster.worker().process().logFile(), StandardCharsets.ISO_8859_1)) {
      loaded =
          lines
              .filter(line -> line.contains("PluginClassLoader{") || line.contains("Added plugin"))
              .toList();
    }

    assertThat(cluster.rest().plugins())
        .extracting(ConnectorPlugin::className)
        .contains(
            "io.debezium.connector.jdbc.JdbcSinkConnector",
            "io.debezium.connector.postgresql.PostgresConnector",
            "io.pgcdc.connector.source.PostgresSourceConnector");
    assertThat(loaded)
        .anyMatch(line -> line.contains("pluginLocation=" + jdbc))
        .anyMatch(line -> line.contains("pluginLocation=" + postgres))
        .anyMatch(
            line -> line.contains("Added plugin 'io.debezium.transforms.ExtractNewRecordState'"));
  }
}
