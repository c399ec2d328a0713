package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.junit.jupiter.api.Test;

class CleanupFilterOtherReadersTest {
  private static final Duration LIMIT = Duration.ofMillis(300);
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";

  /** A cluster of connectors by name; a connector mapped to null fails to be read. */
  private static final class Cluster implements ConnectClusterState {
    final Map<String, Supplier<Map<String, String>>> configs = new LinkedHashMap<>();
    RuntimeException listFailure;
    int listFailures = Integer.MAX_VALUE;

    Cluster with(String name, Map<String, String> config) {
      configs.put(name, () -> config);
      return this;
    }

    Cluster failing(String name, RuntimeException failure) {
      configs.put(
          name,
          () -> {
            throw failure;
          });
      return this;
    }

    @Override
    public Collection<String> connectors() {
      if (listFailure != null && listFailures-- > 0) {
        throw listFailure;
      }
      return configs.keySet();
    }

    @Override
    public Map<String, String> connectorConfig(String connName) {
      return configs.get(connName).get();
    }

    @Override
    public ConnectorHealth connectorHealth(String connName) {
      throw new UnsupportedOperationException();
    }
  }

  private static Map<String, String> source(String slot) {
    return Map.of("connector.class", SOURCE, "slot.name", slot, "publication.name", slot + "_pub");
  }

  @Test
  void namesTheConnectorsThatReadEachSlotAndPublication() {
    Cluster cluster =
        new Cluster()
            .with("deleted", source("shared"))
            .with("other", source("shared"))
            .with(
                "sink", Map.of("connector.class", "io.pgcdc.connector.sink.PostgresSinkConnector"));
    CleanupFilter.OtherReaders others = CleanupFilter.otherReaders(cluster, "deleted", LIMIT);
    assertThat(others.known()).isTrue();
    assertThat(others.readers())
        .containsOnly(
            Map.entry("slot shared", "other"), Map.entry("publication shared_pub", "other"));
  }

  @Test
  void connectorsThatCannotBeListedLeaveTheAnswerUnknown() {
    Cluster cluster =
        new Cluster().with("deleted", source("shared")).with("other", source("shared"));
    cluster.listFailure = new ConnectException("Request timed out: the herder is rebalancing");
    CleanupFilter.OtherReaders others = CleanupFilter.otherReaders(cluster, "deleted", LIMIT);
    assertThat(others.known()).isFalse();
    assertThat(others.unknownBecause()).contains("cannot list the connectors", "rebalancing");
  }

  @Test
  void aListThatFailsWhileTheClusterRebalancesIsReadAgain() {
    Cluster cluster =
        new Cluster().with("deleted", source("shared")).with("other", source("shared"));
    cluster.listFailure = new ConnectException("Failed to retrieve list of connectors");
    cluster.listFailures = 2;
    CleanupFilter.OtherReaders others =
        CleanupFilter.otherReaders(cluster, "deleted", Duration.ofSeconds(30));
    assertThat(others.known()).isTrue();
    assertThat(others.readers()).containsEntry("slot shared", "other");
  }

  @Test
  void anotherConnectorWhoseConfigCannotBeReadLeavesTheAnswerUnknown() {
    Cluster cluster =
        new Cluster()
            .with("deleted", source("shared"))
            .failing("other", new IllegalStateException("store unreadable"));
    CleanupFilter.OtherReaders others = CleanupFilter.otherReaders(cluster, "deleted", LIMIT);
    assertThat(others.known()).isFalse();
    assertThat(others.unknownBecause()).contains("connector other", "store unreadable");
  }

  @Test
  void aConnectorDeletedInTheMeantimeReadsNothing() {
    Cluster cluster =
        new Cluster()
            .with("deleted", source("shared"))
            .failing("gone", new ConnectException("x", new NotFoundException("no such connector")));
    CleanupFilter.OtherReaders others = CleanupFilter.otherReaders(cluster, "deleted", LIMIT);
    assertThat(others.known()).isTrue();
    assertThat(others.readers()).isEmpty();
  }
}
