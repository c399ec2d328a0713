package io.pgcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.notify.PostgresNotifySourceConnector;
import io.pgcdc.connector.query.PostgresQuerySourceConnector;
import io.pgcdc.connector.sink.PostgresSinkConnector;
import io.pgcdc.connector.source.PostgresSourceConnector;
import io.pgcdc.connector.statement.PostgresStatementSinkConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the connectors' {@code ConfigDef}s; this test fails when
 * the committed file differs. To regenerate it: {@code mvn -pl connector test
 * -Dtest=ConfigurationReferenceTest -Dpgcdc.docs.update=true}.
 */
class ConfigurationReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  private static ConfigurationReference.Section section(String title, Connector connector) {
    return new ConfigurationReference.Section(
        title, connector.getClass().getName(), connector.config());
  }

  @Test
  void committedReferenceMatchesTheConfigDefs() throws IOException {
    String expected =
        ConfigurationReference.render(
            List.of(
                section("Source connector", new PostgresSourceConnector()),
                section("Sink connector", new PostgresSinkConnector()),
                section("Query source connector", new PostgresQuerySourceConnector()),
                section("Notify source connector", new PostgresNotifySourceConnector()),
                section("Statement sink connector", new PostgresStatementSinkConnector())));
    if (Boolean.getBoolean("pgcdc.docs.update")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC))
        .as("docs/configuration.md is missing: regenerate it with -Dpgcdc.docs.update=true")
        .isTrue();
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as(
            "docs/configuration.md is stale: regenerate it with mvn -pl connector test"
                + " -Dtest=ConfigurationReferenceTest -Dpgcdc.docs.update=true")
        .isEqualTo(expected);
  }
}
