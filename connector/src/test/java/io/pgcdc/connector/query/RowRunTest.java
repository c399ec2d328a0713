package io.pgcdc.connector.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.connector.types.ValueOptions;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Where a run goes on after a failure: after the last row it handed out, not after the row it read
 * ahead nor after rows of a batch that the failure kept back. The result is a stand-in that serves
 * ids 1..n and loses its connection before row {@code failAt}.
 */
class RowRunTest {
  private static QuerySpec spec() {
    Map<String, String> props = new HashMap<>();
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    props.put("queries", "q");
    props.put("query.q.sql", "SELECT id FROM t");
    props.put("query.q.mode", "incrementing");
    props.put("query.q.incrementing.column", "id");
    return new QuerySourceConfig(props).queries().get(0);
  }

  private static RowRun run(QuerySpec spec, int rows, int failAt) {
    int[] row = {0};
    ResultSetMetaData md =
        proxy(ResultSetMetaData.class, (m, a) -> m.equals("getColumnCount") ? 1 : null);
    ResultSet rs =
        proxy(
            ResultSet.class,
            (m, a) ->
                switch (m) {
                  case "next" -> {
                    if (row[0] + 1 == failAt) {
                      throw new SQLException("An I/O error occurred", "08006");
                    }
                    yield ++row[0] <= rows;
                  }
                  case "getString" -> Integer.toString(row[0]);
                  case "getMetaData" -> md;
                  default -> null;
                });
    PreparedStatement ps = proxy(PreparedStatement.class, (m, a) -> null);
    RowRecords records =
        new RowRecords(
            spec,
            List.of(
                new ResultColumns.Column(
                    "id", new TypeResolver(ValueOptions.defaults()).forBuiltIn(20, "bigint"))));
    return new RowRun(spec, 1000L, new RowRun.Limits(0, 0, 3), ps, rs, records, null, null);
  }

  private interface Answer {
    Object answer(String method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, Answer answer) {
    return type.cast(
        Proxy.newProxyInstance(
            RowRunTest.class.getClassLoader(),
            new Class<?>[] {type},
            (p, m, a) -> answer.answer(m.getName(), a)));
  }

  private static List<Long> ids(List<SourceRecord> records) {
    return records.stream().map(r -> ((Struct) r.value()).getInt64("id")).toList();
  }

  @Test
  void theRowReadAheadIsNotPartOfThePositionUntilItIsHandedOut() throws SQLException {
    RowRun run = run(spec(), 10, 5);
    assertThat(ids(run.next(3))).containsExactly(1L, 2L, 3L);
    // row 4 has been read ahead
    assertThat(run.position().incrementing()).isEqualTo("3");
    assertThatThrownBy(() -> run.next(3)).isInstanceOf(SQLException.class);
    assertThat(run.position().incrementing()).isEqualTo("3");
  }

  @Test
  void rowsOfABatchAFailureKeptBackAreNotPartOfThePosition() throws SQLException {
    RowRun run = run(spec(), 10, 9);
    assertThat(ids(run.next(3))).containsExactly(1L, 2L, 3L);
    // rows 4..6 go into the next batch, which row 9's failure keeps back
    assertThatThrownBy(() -> run.next(6)).isInstanceOf(SQLException.class);
    assertThat(run.position().incrementing()).isEqualTo("3");
  }

  @Test
  void theLastRowHandedOutEndsTheRunAndIsThePosition() throws SQLException {
    RowRun run = run(spec(), 4, 0);
    assertThat(ids(run.next(3))).containsExactly(1L, 2L, 3L);
    List<SourceRecord> rest = run.next(3);
    assertThat(ids(rest)).containsExactly(4L);
    assertThat(run.finished()).isTrue();
    assertThat(run.position().incrementing()).isEqualTo("4");
    assertThat(rest.get(0).sourceOffset().get(QueryOffset.DONE)).isEqualTo(true);
  }
}
