package io.pgcdc.connector.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class QuerySpecTest {
  private static Map<String, String> props(String... pairs) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    props.put("queries", "q");
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    return props;
  }

  private static QuerySpec spec(String... pairs) {
    return new QuerySourceConfig(props(pairs)).queries().get(0);
  }

  @Test
  void readsAQueryWithSharedAndOwnParameters() {
    QuerySpec s =
        spec(
            "query.q.sql", "SELECT * FROM t WHERE a = :a AND b = :b",
            "query.parameters.a", "1",
            "query.parameters.b", "shared",
            "query.q.parameters.b", "own",
            "topic.prefix", "pg.",
            "query.q.key.columns", "id, region");
    assertThat(s.parameters()).containsEntry("a", "1").containsEntry("b", "own");
    assertThat(s.topic()).isEqualTo("pg.q");
    assertThat(s.keyColumns()).containsExactly("id", "region");
    assertThat(s.statement()).isFalse();
    assertThat(s.schedule()).isEqualTo(new Schedule.Every(Duration.ofMinutes(1)));
  }

  @Test
  void anUnknownParameterNamesTheSettingToSet() {
    assertThatThrownBy(() -> spec("query.q.sql", "SELECT :missing, ':quoted'"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":missing")
        .hasMessageContaining("query.q.parameters.missing")
        .hasMessageNotContaining("quoted");
  }

  @Test
  void statementsAreToldFromQueriesAndMustBeBulk() {
    assertThat(spec("query.q.sql", "/* c */ -- x\n DELETE FROM t").statement()).isTrue();
    assertThat(spec("query.q.sql", "WITH x AS (SELECT 1) SELECT * FROM x").statement()).isFalse();
    assertThatThrownBy(
            () ->
                spec(
                    "query.q.sql", "DELETE FROM t",
                    "query.q.mode", "incrementing",
                    "query.q.incrementing.column", "id"))
        .hasMessageContaining("is a statement")
        .hasMessageContaining("bulk");
  }

  @Test
  void eachModeNeedsItsColumns() {
    assertThatThrownBy(() -> spec("query.q.sql", "SELECT 1", "query.q.mode", "timestamp"))
        .hasMessageContaining("query.q.timestamp.column");
    assertThatThrownBy(() -> spec("query.q.sql", "SELECT 1", "query.q.mode", "fast"))
        .hasMessageContaining("is no mode");
  }

  @Test
  void aCronScheduleNeedsAnExplicitZone() {
    assertThatThrownBy(() -> spec("query.q.sql", "SELECT 1", "query.q.cron", "0 6 * * *"))
        .hasMessageContaining("query.q.cron.timezone");
    assertThat(
            spec(
                    "query.q.sql", "SELECT 1",
                    "query.q.cron", "0 6 * * *",
                    "query.q.cron.timezone", "Europe/Berlin")
                .schedule())
        .isInstanceOf(CronSchedule.class);
  }

  @Test
  void aChangedQueryRefusesTheOldOffset() {
    QuerySpec s = spec("query.q.sql", "SELECT 1");
    QueryOffset old = new QueryOffset("0000", 1000L, true, null, null);
    assertThatThrownBy(() -> QueryState.resume(s, old, Instant.EPOCH))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("has changed")
        .hasMessageContaining("DELETE /connectors/NAME/offsets");
  }

  @Test
  void missedFireTimesAreSkippedToTheLastOrCaughtUpOneByOne() {
    QuerySpec skip = spec("query.q.sql", "SELECT 1", "query.q.interval.ms", "1000");
    QueryOffset ranAt1s = new QueryOffset(skip.fingerprint(), 1000L, true, null, null);
    QueryState s = QueryState.resume(skip, ranAt1s, Instant.ofEpochMilli(10_500));
    assertThat(s.due()).isEqualTo(Instant.ofEpochMilli(2000));
    assertThat(s.take(Instant.ofEpochMilli(10_500))).isEqualTo(Instant.ofEpochMilli(10_000));
    assertThat(s.due()).isEqualTo(Instant.ofEpochMilli(11_000));

    QuerySpec catchUp =
        spec(
            "query.q.sql",
            "SELECT 1",
            "query.q.interval.ms",
            "1000",
            "query.q.misfire",
            "catch_up");
    QueryState c =
        QueryState.resume(
            catchUp,
            new QueryOffset(catchUp.fingerprint(), 1000L, true, null, null),
            Instant.ofEpochMilli(10_500));
    assertThat(c.take(Instant.ofEpochMilli(10_500))).isEqualTo(Instant.ofEpochMilli(2000));
    assertThat(c.take(Instant.ofEpochMilli(10_500))).isEqualTo(Instant.ofEpochMilli(3000));
  }

  @Test
  void anUnfinishedRunRunsAgainAtItsFireTimeAndAFailedOneIsRetried() {
    QuerySpec q = spec("query.q.sql", "SELECT 1", "query.q.interval.ms", "1000");
    QueryState s =
        QueryState.resume(
            q,
            new QueryOffset(q.fingerprint(), 5000L, false, null, null),
            Instant.ofEpochMilli(9000));
    assertThat(s.take(Instant.ofEpochMilli(5000))).isEqualTo(Instant.ofEpochMilli(5000));
    s.failed(Instant.ofEpochMilli(5000), Instant.ofEpochMilli(5500));
    assertThat(s.due()).isEqualTo(Instant.ofEpochMilli(5500));
    assertThat(s.take(Instant.ofEpochMilli(5500))).isEqualTo(Instant.ofEpochMilli(5000));
    assertThat(s.due()).isEqualTo(Instant.ofEpochMilli(6000));
  }
}
