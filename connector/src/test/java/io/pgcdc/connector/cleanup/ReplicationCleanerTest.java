package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationCleanerTest {
  private static final CleanupRequest DELETE =
      new CleanupRequest("orders", CleanupRequest.Kind.DELETE);
  private final ReplicationCleaner cleaner =
      new ReplicationCleaner(Duration.ofSeconds(1), Duration.ofSeconds(2));

  @Test
  void anUnreachableServerIsReportedNotThrown() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    CleanupTarget target =
        CleanupTarget.of(
                "orders",
                Map.of(
                    "name", "orders",
                    "connector.class", "io.pgcdc.connector.source.PostgresSourceConnector",
                    "connection.url", "postgresql://app:pw@127.0.0.1:" + closedPort + "/shop",
                    "table.include.list", "public.orders"))
            .orElseThrow();

    assertThat(cleaner.clean(DELETE, target, false, false)).isFalse();
  }

  @Test
  void settingsThatCannotBeReadAreReportedNotThrown() {
    CleanupTarget target =
        new CleanupTarget("orders", "pgcdc_orders", "pgcdc_orders", null, "bad port", List.of());

    assertThat(cleaner.clean(DELETE, target, false, false)).isFalse();
  }
}
