package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CleanupRequestTest {

  @Test
  void deletingAConnectorCallsForCleanup() {
    assertThat(CleanupRequest.match("DELETE", List.of("connectors", "my orders"), Set.of()))
        .contains(new CleanupRequest("my orders", CleanupRequest.Kind.DELETE));
  }

  @Test
  void resettingOffsetsCallsForCleanup() {
    assertThat(CleanupRequest.match("delete", List.of("connectors", "orders", "offsets"), Set.of()))
        .contains(new CleanupRequest("orders", CleanupRequest.Kind.OFFSETS_RESET));
  }

  @Test
  void aTrailingSlashChangesNothing() {
    assertThat(CleanupRequest.match("DELETE", List.of("connectors", "orders", ""), Set.of()))
        .contains(new CleanupRequest("orders", CleanupRequest.Kind.DELETE));
  }

  @Test
  void aRequestForwardedToTheLeaderIsLeftToTheWorkerThatTookItFromTheUser() {
    assertThat(CleanupRequest.match("DELETE", List.of("connectors", "orders"), Set.of("forward")))
        .isEmpty();
    assertThat(
            CleanupRequest.match(
                "DELETE", List.of("connectors", "orders", "offsets"), Set.of("forward")))
        .isEmpty();
  }

  @Test
  void otherRequestsDoNotCallForCleanup() {
    assertThat(CleanupRequest.match("GET", List.of("connectors", "orders"), Set.of())).isEmpty();
    assertThat(CleanupRequest.match("PUT", List.of("connectors", "orders", "pause"), Set.of()))
        .isEmpty();
    assertThat(CleanupRequest.match("PATCH", List.of("connectors", "orders", "offsets"), Set.of()))
        .isEmpty();
    assertThat(CleanupRequest.match("POST", List.of("connectors", "orders", "restart"), Set.of()))
        .isEmpty();
    assertThat(CleanupRequest.match("DELETE", List.of("connectors"), Set.of())).isEmpty();
    assertThat(
            CleanupRequest.match("DELETE", List.of("connectors", "orders", "tasks", "0"), Set.of()))
        .isEmpty();
    assertThat(CleanupRequest.match("DELETE", List.of("admin", "loggers"), Set.of())).isEmpty();
  }
}
