package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorPlugin;
import io.pgcdc.it.kafka.ItEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Connect worker finds both connectors in the packaged plugin, through plugin.path. */
@ExtendWith(io.pgcdc.it.kafka.KafkaConnectExtension.class)
class PluginLoadingIT {
  static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";
  static final String SINK = "io.pgcdc.connector.sink.PostgresSinkConnector";

  @Test
  void workerListsSourceAndSinkWithTheProjectVersion(ConnectCluster cluster) {
    String version = ItEnvironment.projectVersion();

    List<ConnectorPlugin> plugins = cluster.rest().plugins();

    assertThat(plugins)
        .contains(
            new ConnectorPlugin(SOURCE, "source", version),
            new ConnectorPlugin(SINK, "sink", version));
  }

  @Test
  void connectorsAreLoadedFromThePluginFolderNotTheClasspath(ConnectCluster cluster)
      throws IOException {
    String pluginFolder =
        ItEnvironment.pluginDir()
            .resolve("pgcdc-connector-" + ItEnvironment.projectVersion())
            .toFile()
            .toURI()
            .toString();
    // At start-up the worker logs each isolated plugin class loader, with where it loads from,
    // and each plugin class it found.
    List<String> pluginLines;
    try (Stream<String> lines =
        Files.lines(cluster.worker().process().logFile(), StandardCharsets.ISO_8859_1)) {
      pluginLines =
          lines
              .filter(line -> line.contains("PluginClassLoader{") || line.contains("Added plugin"))
              .toList();
    }

    assertThat(pluginLines)
        .anyMatch(line -> line.contains("pluginLocation=" + pluginFolder))
        .anyMatch(line -> line.contains("Added plugin '" + SOURCE + "'"))
        .anyMatch(line -> line.contains("Added plugin '" + SINK + "'"));
  }

  @Test
  void workerValidatesSourceAndSinkConfigWithTheirOwnConfigDefinitions(ConnectCluster cluster) {
    for (String connector : List.of(SOURCE, SINK)) {
      JsonNode answer = cluster.rest().validate(connector, Map.of("connector.class", connector));

      List<String> names = new ArrayList<>();
      answer.path("configs").forEach(c -> names.add(c.path("definition").path("name").asText()));
      assertThat(names)
          .as("settings the worker reports for %s", connector)
          .contains("connection.host", "connection.port", "connection.user");
    }
  }
}
