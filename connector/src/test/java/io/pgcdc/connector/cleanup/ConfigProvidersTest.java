package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigProvidersTest {

  @Test
  void resolvesPlaceholdersOfTheWorkersProviders(@TempDir Path dir) throws IOException {
    Path secrets = Files.writeString(dir.resolve("secrets.properties"), "password=s3cret\n");
    try (ConfigProviders providers =
        ConfigProviders.fromWorkerConfig(
            Map.of(
                "config.providers",
                "file",
                "config.providers.file.class",
                FileConfigProvider.class.getName()))) {
      Map<String, String> resolved =
          providers.resolve(
              Map.of(
                  "connection.password",
                  "${file:" + secrets + ":password}",
                  "connection.user",
                  "app"));

      assertThat(resolved)
          .containsEntry("connection.password", "s3cret")
          .containsEntry("connection.user", "app");
    }
  }

  /** The worker drops config.providers from the settings it gives a REST extension. */
  @Test
  void findsTheProvidersByTheirClassSettingsAsTheWorkerPassesThem() {
    try (ConfigProviders providers =
        ConfigProviders.fromWorkerConfig(
            Map.of(
                "config.providers.env.class",
                EnvVarConfigProvider.class.getName(),
                "config.providers.file.class",
                FileConfigProvider.class.getName()))) {
      assertThat(providers.resolve(Map.of("connection.password", "${env:PATH}")))
          .containsEntry("connection.password", System.getenv("PATH"));
    }
  }

  @Test
  void aProviderThatCannotBeLoadedLeavesItsPlaceholders() {
    try (ConfigProviders providers =
        ConfigProviders.fromWorkerConfig(
            Map.of(
                "config.providers", "vault",
                "config.providers.vault.class", "org.example.NoSuchProvider"))) {
      Map<String, String> config = Map.of("connection.password", "${vault:db:password}");

      assertThat(providers.resolve(config)).isEqualTo(config);
    }
  }

  @Test
  void withoutProvidersTheConfigIsUnchanged() {
    try (ConfigProviders providers = ConfigProviders.fromWorkerConfig(Map.of())) {
      Map<String, String> config = Map.of("connection.password", "${file:/x:y}");

      assertThat(providers.resolve(config)).isSameAs(config);
    }
  }
}
