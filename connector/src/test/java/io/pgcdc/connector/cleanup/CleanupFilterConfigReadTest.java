package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.junit.jupiter.api.Test;

class CleanupFilterConfigReadTest {
  /** A cluster whose herder times out a given number of times before it answers. */
  private static final class BusyCluster implements ConnectClusterState {
    final AtomicInteger calls = new AtomicInteger();
    final int failures;
    final RuntimeException failure;

    BusyCluster(int failures, RuntimeException failure) {
      this.failures = failures;
      this.failure = failure;
    }

    @Override
    public Map<String, String> connectorConfig(String connName) {
      if (calls.incrementAndGet() <= failures) {
        throw failure;
      }
      return Map.of("name", connName);
    }

    @Override
    public Collection<String> connectors() {
      return List.of();
    }

    @Override
    public ConnectorHealth connectorHealth(String connName) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aConfigReadThatTimesOutDuringARebalanceIsTriedAgain() {
    BusyCluster cluster =
        new BusyCluster(2, new ConnectException("Failed to retrieve configuration for connector"));
    assertThat(CleanupFilter.readConfig(cluster, "src", Duration.ofSeconds(30)))
        .containsEntry("name", "src");
    assertThat(cluster.calls).hasValue(3);
  }

  @Test
  void aMissingConnectorFailsAtOnce() {
    BusyCluster cluster =
        new BusyCluster(5, new ConnectException("x", new NotFoundException("no such connector")));
    assertThatThrownBy(() -> CleanupFilter.readConfig(cluster, "src", Duration.ofSeconds(30)))
        .hasRootCauseInstanceOf(NotFoundException.class);
    assertThat(cluster.calls).hasValue(1);
  }

  @Test
  void givesUpAfterTheLimit() {
    BusyCluster cluster = new BusyCluster(Integer.MAX_VALUE, new ConnectException("busy"));
    assertThatThrownBy(() -> CleanupFilter.readConfig(cluster, "src", Duration.ofMillis(300)))
        .hasMessage("busy");
    assertThat(cluster.calls.get()).isGreaterThan(1);
  }
}
