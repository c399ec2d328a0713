package io.pgcdc.connector.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class AlterOffsetsTest {
  private static final Map<String, String> CONFIG =
      Map.of(
          "connection.database", "db",
          "connection.user", "u",
          "queries", "events,all",
          "query.events.sql", "SELECT * FROM events",
          "query.events.mode", "timestamp+incrementing",
          "query.events.timestamp.column", "ts",
          "query.events.incrementing.column", "id",
          "query.all.sql", "SELECT * FROM t");

  private static boolean alter(String query, Map<String, ?> offset) {
    Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
    offsets.put(Map.of("query", query), offset);
    return new PostgresQuerySourceConnector().alterOffsets(CONFIG, offsets);
  }

  @Test
  void acceptsAPositionOfTheQuerysModeAndAReset() {
    assertThat(alter("events", Map.of("ts", "2026-12-01 00:00:00+00", "id", "41"))).isTrue();
    assertThat(alter("events", null)).isTrue();
    assertThat(alter("all", Map.of())).isTrue();
  }

  @Test
  void refusesAnUnknownQueryOrAPositionOfAnotherMode() {
    assertThatThrownBy(() -> alter("nope", Map.of()))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("none of this connector's");
    assertThatThrownBy(() -> alter("events", Map.of("id", "41")))
        .hasMessageContaining("must give both 'ts' and 'id'");
    assertThatThrownBy(() -> alter("all", Map.of("id", "41"))).hasMessageContaining("no position");
    assertThatThrownBy(() -> alter("events", Map.of("ts", 5, "id", "1")))
        .hasMessageContaining("'ts' = 5");
    assertThatThrownBy(() -> alter("events", Map.of("fingerprint", "x", "ts", "t", "id", "1")))
        .hasMessageContaining("fingerprint of another");
  }
}
