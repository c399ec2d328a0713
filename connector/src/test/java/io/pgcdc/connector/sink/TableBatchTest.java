package io.pgcdc.connector.sink;

import static io.pgcdc.connector.sink.TestRecords.change;
import static io.pgcdc.connector.sink.TestRecords.toastUpdate;
import static io.pgcdc.connector.sink.TestRecords.tombstone;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class TableBatchTest {
  private final ChangeReader reader =
      new ChangeReader(TestRecords.config("table.name.format", "${source.table}"));

  private TableBatch reduce(SinkRecord... records) {
    List<RowChange> changes = new ArrayList<>();
    for (SinkRecord r : records) {
      RowChange c = reader.read(r);
      if (c != null) {
        changes.add(c);
      }
    }
    Map<TableId, TableBatch> batches = TableBatch.reduce(changes);
    assertThat(batches).hasSize(1);
    return batches.values().iterator().next();
  }

  private static List<Long> offsets(java.util.Collection<RowChange> changes) {
    return changes.stream().map(c -> c.record().kafkaOffset()).toList();
  }

  @Test
  void lastChangeOfAKeyWins() {
    TableBatch batch =
        reduce(
            change("c", 1, "a", null, 0),
            change("u", 1, "b", null, 1),
            change("c", 2, "x", null, 2));

    assertThat(offsets(batch.upserts())).containsExactly(1L, 2L);
    assertThat(batch.deletes()).isEmpty();
  }

  @Test
  void deleteAfterInsertDeletes() {
    TableBatch batch = reduce(change("c", 1, "a", null, 0), change("d", 1, null, null, 1));

    assertThat(batch.upserts()).isEmpty();
    assertThat(offsets(batch.deletes())).containsExactly(1L);
  }

  @Test
  void insertAfterDeleteDeletesTheOldRowThenInsertsTheNewOne() {
    TableBatch batch =
        reduce(change("d", 1, null, null, 0), tombstone(1, 1), change("c", 1, "new", null, 2));

    assertThat(offsets(batch.deletes())).containsExactly(0L);
    assertThat(offsets(batch.upserts())).containsExactly(2L);
  }

  @Test
  void truncateDiscardsEarlierChanges() {
    SinkRecord truncate =
        new SinkRecord(
            "pg.public.orders",
            0,
            null,
            null,
            TestRecords.ENVELOPE,
            new org.apache.kafka.connect.data.Struct(TestRecords.ENVELOPE)
                .put("source", TestRecords.source("orders", null))
                .put("op", "t"),
            1);
    ChangeReader truncating =
        new ChangeReader(
            TestRecords.config("table.name.format", "${source.table}", "truncate.enabled", "true"));
    List<RowChange> changes = new ArrayList<>();
    for (SinkRecord r :
        List.of(change("c", 1, "a", null, 0), truncate, change("c", 2, "b", null, 2))) {
      changes.add(truncating.read(r));
    }

    TableBatch batch = TableBatch.reduce(changes).values().iterator().next();

    assertThat(batch.truncate()).isTrue();
    assertThat(offsets(batch.upserts())).containsExactly(2L);
  }

  @Test
  void updateWithUnchangedToastTakesTheValueOfAnEarlierUpsertOfTheSameKey() {
    TableBatch batch = reduce(change("c", 1, "a", "{\"big\": 1}", 0), toastUpdate(1, "b", 1));

    RowChange merged = batch.upserts().iterator().next();
    assertThat(merged.columnNames()).containsExactly("id", "name", "doc");
    assertThat(merged.values()).containsExactly(1L, "b", "{\"big\": 1}");
    assertThat(merged.unchanged()).isEmpty();
    assertThat(merged.record().kafkaOffset()).isEqualTo(1L);
  }

  @Test
  void upsertFromAnOlderSchemaKeepsTheColumnsAnEarlierUpsertWrote() {
    TableBatch batch =
        reduce(change("c", 1, "a", "{}", 0), TestRecords.narrowUpdate(1, "b", null, 1));

    RowChange merged = batch.upserts().iterator().next();
    assertThat(merged.columnNames()).containsExactly("id", "name", "doc");
    assertThat(merged.values()).containsExactly(1L, "b", "{}");
  }

  @Test
  void updateWithUnchangedToastAloneLeavesTheColumnOut() {
    TableBatch batch = reduce(toastUpdate(1, "b", 0));

    RowChange change = batch.upserts().iterator().next();
    assertThat(change.columnNames()).containsExactly("id", "name");
    assertThat(change.unchanged()).containsExactly("doc");
  }
}
