package io.pgcdc.connector.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowQueryTest {
  private static QuerySpec spec(String mode, Map<String, String> more) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    props.put("queries", "q");
    props.put("query.q.sql", "SELECT * FROM orders WHERE region = :region;");
    props.put("query.q.parameters.region", "eu");
    props.put("query.q.mode", mode);
    props.putAll(more);
    return new QuerySourceConfig(props).queries().get(0);
  }

  @Test
  void bulkRunsTheQueryAsWritten() {
    assertThat(RowQuery.sql(spec("bulk", Map.of()), false, 0))
        .isEqualTo("SELECT * FROM orders WHERE region = ?");
  }

  @Test
  void incrementingContinuesAfterTheLastValueInOrder() {
    QuerySpec s = spec("incrementing", Map.of("query.q.incrementing.column", "Id"));
    assertThat(RowQuery.sql(s, false, 0))
        .isEqualTo(
            "SELECT * FROM (\nSELECT * FROM orders WHERE region = ?\n) AS pgcdc_query"
                + " ORDER BY \"Id\"");
    assertThat(RowQuery.sql(s, true, 100)).endsWith(" WHERE \"Id\" > ? ORDER BY \"Id\" LIMIT 100");
  }

  @Test
  void timestampModesStopBelowTheBoundAndContinueOnTheKeyset() {
    QuerySpec ts = spec("timestamp", Map.of("query.q.timestamp.column", "updated_at"));
    assertThat(RowQuery.sql(ts, true, 100))
        .endsWith(" WHERE \"updated_at\" > ? AND \"updated_at\" < ? ORDER BY \"updated_at\"");
    QuerySpec both =
        spec(
            "timestamp+incrementing",
            Map.of("query.q.timestamp.column", "updated_at", "query.q.incrementing.column", "id"));
    assertThat(RowQuery.sql(both, false, 0))
        .endsWith(" WHERE \"updated_at\" < ? ORDER BY \"updated_at\", \"id\"");
    assertThat(RowQuery.sql(both, true, 50))
        .endsWith(
            " WHERE (\"updated_at\", \"id\") > (?, ?) AND \"updated_at\" < ?"
                + " ORDER BY \"updated_at\", \"id\" LIMIT 50");
  }

  @Test
  void aRunContinuesOnlyFromAPositionOfItsMode() {
    QuerySpec both =
        spec(
            "timestamp+incrementing",
            Map.of("query.q.timestamp.column", "t", "query.q.incrementing.column", "id"));
    assertThat(RowQuery.continued(both, null)).isFalse();
    assertThat(RowQuery.continued(both, new QueryOffset("f", 1L, true, "2026-01-01", null)))
        .isFalse();
    assertThat(RowQuery.continued(both, new QueryOffset("f", 1L, true, "2026-01-01", "7")))
        .isTrue();
  }

  @Test
  void xminReadsTransactionsAtOrAfterTheLastHorizon() {
    QuerySpec s = spec("xmin", Map.of());
    assertThat(RowQuery.sql(s, false, 0))
        .isEqualTo("SELECT * FROM (\nSELECT * FROM orders WHERE region = ?\n) AS pgcdc_query");
    assertThat(RowQuery.sql(s, true, 0))
        .endsWith(") AS pgcdc_query WHERE age(pgcdc_query.\"xmin\") <= age(?::xid)");
    assertThat(RowQuery.continued(s, new QueryOffset("f", 1L, true, null, null, "4294967301")))
        .isTrue();
  }
}
