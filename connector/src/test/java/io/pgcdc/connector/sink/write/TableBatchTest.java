package io.pgcdc.connector.sink.write;

import static io.pgcdc.connector.sink.TestRecords.change;
import static io.pgcdc.connector.sink.TestRecords.moveCreate;
import static io.pgcdc.connector.sink.TestRecords.moveDelete;
import static io.pgcdc.connector.sink.TestRecords.moveTombstone;
import static io.pgcdc.connector.sink.TestRecords.toastUpdate;
import static io.pgcdc.connector.sink.TestRecords.tombstone;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.TestRecords;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
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

  private static List<String> keys(java.util.Collection<RowChange> changes) {
    return changes.stream().map(RowChange::key).toList();
  }

  private static String oldKey(RowChange change) {
    return change.oldKey() == null ? null : change.oldKey().key();
  }

  @Test
  void deleteAndTombstoneOfAKeyChangeLeaveTheRowForTheCreate() {
    TableBatch batch =
        reduce(moveDelete(1, 2, 0), moveTombstone(1, 2, 1), change("u", 3, "other", null, 2));

    assertThat(batch.deletes()).isEmpty();
    assertThat(keys(batch.upserts())).containsExactly("3");
  }

  @Test
  void createOfAKeyChangeMovesTheRowFromTheOldKey() {
    TableBatch batch =
        reduce(moveDelete(1, 2, 0), moveTombstone(1, 2, 1), moveCreate(1, 2, "moved", 2));

    assertThat(keys(batch.deletes())).containsExactly("1");
    RowChange move = batch.upserts().iterator().next();
    assertThat(keys(batch.upserts())).containsExactly("2");
    assertThat(oldKey(move)).isEqualTo("1");
    assertThat(move.unchanged()).containsExactly("doc");
    assertThat(move.values()).containsExactly(2L, "moved");
  }

  @Test
  void keyChangeTakesAlongWhatTheBatchWroteAtTheOldKey() {
    TableBatch batch = reduce(change("u", 1, "a", "{\"big\": 1}", 0), moveCreate(1, 2, "moved", 1));

    assertThat(keys(batch.deletes())).containsExactly("1");
    RowChange move = batch.upserts().iterator().next();
    assertThat(keys(batch.upserts())).containsExactly("2");
    assertThat(oldKey(move)).isEqualTo("1");
    assertThat(move.columnNames()).containsExactly("id", "name", "doc");
    assertThat(move.values()).containsExactly(2L, "moved", "{\"big\": 1}");
    assertThat(move.unchanged()).isEmpty();
  }

  @Test
  void chainOfKeyChangesIsOneMoveFromTheFirstKeyToTheLastDeletingEveryKeyOnTheWay() {
    TableBatch batch =
        reduce(
            moveDelete(1, 2, 0),
            moveCreate(1, 2, "two", 1),
            moveDelete(2, 3, 2),
            moveCreate(2, 3, "three", 3));

    assertThat(keys(batch.deletes())).containsExactly("1", "2");
    assertThat(keys(batch.upserts())).containsExactly("3");
    RowChange move = batch.upserts().iterator().next();
    assertThat(oldKey(move)).isEqualTo("1");
    assertThat(move.values()).containsExactly(3L, "three");
    assertThat(move.unchanged()).containsExactly("doc");
  }

  @Test
  void keyChangeThereAndBackMovesTheRowOntoItself() {
    TableBatch batch = reduce(moveCreate(1, 2, "two", 0), moveCreate(2, 1, "one", 1));

    assertThat(keys(batch.upserts())).containsExactly("1");
    assertThat(keys(batch.deletes())).containsExactly("1", "2");
    RowChange move = batch.upserts().iterator().next();
    assertThat(oldKey(move)).isEqualTo("1");
    assertThat(move.unchanged()).containsExactly("doc");
  }

  @Test
  void updateAfterAKeyChangeStillMovesTheRow() {
    TableBatch batch = reduce(moveCreate(1, 2, "two", 0), toastUpdate(2, "later", 1));

    RowChange move = batch.upserts().iterator().next();
    assertThat(oldKey(move)).isEqualTo("1");
    assertThat(move.values()).containsExactly(2L, "later");
    assertThat(keys(batch.deletes())).containsExactly("1");
  }

  @Test
  void deleteAfterAKeyChangeDeletesBothKeys() {
    TableBatch batch = reduce(moveCreate(1, 2, "two", 0), change("d", 2, null, null, 1));

    assertThat(batch.upserts()).isEmpty();
    assertThat(keys(batch.deletes())).containsExactly("1", "2");
  }

  @Test
  void insertAtTheKeyARowMovedAwayFromDeletesThenInserts() {
    TableBatch batch = reduce(moveCreate(1, 2, "two", 0), change("c", 1, "new", "{}", 1));

    assertThat(keys(batch.deletes())).containsExactly("1");
    assertThat(keys(batch.upserts())).containsExactly("2", "1");
    assertThat(batch.upserts().stream().map(TableBatchTest::oldKey).toList())
        .containsExactly("1", null);
  }
}
