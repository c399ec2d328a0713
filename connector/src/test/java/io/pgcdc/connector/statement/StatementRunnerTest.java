package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class StatementRunnerTest {
  private static Item item(String sql, long offset) {
    return new Item(
        new SinkRecord("t", 0, null, null, null, null, offset), null, List.of(sql), new Object[0]);
  }

  @Test
  void consecutiveItemsWithTheSameSqlMakeOneBatchAndTheOrderIsKept() {
    List<Item> items =
        List.of(item("A", 0), item("A", 1), item("B", 2), item("A", 3), item("A", 4));
    assertThat(StatementRunner.runs(items))
        .extracting(run -> run.stream().map(i -> i.record().kafkaOffset()).toList())
        .containsExactly(List.of(0L, 1L), List.of(2L), List.of(3L, 4L));
  }
}
