package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleanupOnDeleteExtensionTest {

  @Test
  void aTaskMayReadItsSlotAsLongAsTheWorkerWaitsForItToStop() {
    assertThat(CleanupOnDeleteExtension.grace(Map.of())).isEqualTo(Duration.ofSeconds(5));
    assertThat(CleanupOnDeleteExtension.grace(Map.of("task.shutdown.graceful.timeout.ms", "1500")))
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void versionIsThePlugins() {
    try (CleanupOnDeleteExtension extension = new CleanupOnDeleteExtension()) {
      assertThat(extension.version())
          .isEqualTo(new io.pgcdc.connector.source.PostgresSourceConnector().version());
    }
  }
}
