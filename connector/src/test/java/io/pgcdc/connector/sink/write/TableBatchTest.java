package io.pgcdc.connector.sink.write;

import static io.pgcdc.connector.sink.TestRecords.change;
import static io.pgcdc.connector.sink.TestRecords.moveCreate;
import static io.pgcdc.connector.sink.TestRecords.moveDelete;
import static io.pgcdc.connector.sink.TestRecords.moveTombstone;
import static io.pgcdc.connector.sink.TestRecords.toastUpdate;
import static io.pgcdc.connector.sink.TestRecords.tombstone;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.sink.TestRecords;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class TableBatchTest {
  private final ChangeReader reader =
      new ChangeReader(TestRecords.config("table.name.format", "${source.table}"));

  private TableBatch reduce(SinkRecord... records) {
    List<TableBatch> batches = batches(records);
    assertThat(batches).hasSize(1);
    return batches.get(0);
  }

  private List<TableBatch> batches(SinkRecord... records) {
    List<RowChange> changes = new ArrayList<>();
    for (SinkRecord r : records) {
      RowChange c = reader.read(r);
      if (c != null) {
        changes.add(c);
      }
    }
    return TableBatch.reduce(changes);
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

    TableBatch batch = TableBatch.reduce(changes).get(0);

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

  /**
   * Written again after a restart, the row may be at key 2 already (the first key change was
   * written before): one move from 1 to 3 would delete it at 2 and take nothing from 1. Each key
   * change moves the row from where the one before left it.
   */
  @Test
  void keyChangeOfARowMovedInTheBatchStartsTheNextBatch() {
    List<TableBatch> batches =
        batches(
            moveDelete(1, 2, 0),
            moveCreate(1, 2, "two", 1),
            moveDelete(2, 3, 2),
            moveCreate(2, 3, "three", 3));

    assertThat(batches).hasSize(2);
    assertThat(keys(batches.get(0).deletes())).containsExactly("1");
    assertThat(keys(batches.get(0).upserts())).containsExactly("2");
    assertThat(oldKey(batches.get(0).upserts().iterator().next())).isEqualTo("1");
    assertThat(keys(batches.get(1).deletes())).containsExactly("2");
    assertThat(keys(batches.get(1).upserts())).containsExactly("3");
    RowChange move = batches.get(1).upserts().iterator().next();
    assertThat(oldKey(move)).isEqualTo("2");
    assertThat(move.values()).containsExactly(3L, "three");
    assertThat(move.unchanged()).containsExactly("doc");
  }

  @Test
  void keyChangeThereAndBackIsTwoBatches() {
    List<TableBatch> batches = batches(moveCreate(1, 2, "two", 0), moveCreate(2, 1, "one", 1));

    assertThat(batches).hasSize(2);
    assertThat(keys(batches.get(0).deletes())).containsExactly("1");
    assertThat(keys(batches.get(0).upserts())).containsExactly("2");
    assertThat(keys(batches.get(1).deletes())).containsExactly("2");
    RowChange move = batches.get(1).upserts().iterator().next();
    assertThat(keys(batches.get(1).upserts())).containsExactly("1");
    assertThat(oldKey(move)).isEqualTo("2");
    assertThat(move.unchanged()).containsExactly("doc");
  }

  @Test
  void changesAfterTheCutGoToTheNextBatchAndOtherKeysStayInTheirs() {
    List<TableBatch> batches =
        batches(
            moveCreate(1, 2, "two", 0),
            change("u", 7, "seven", "{}", 1),
            moveCreate(2, 3, "three", 2),
            toastUpdate(3, "later", 3),
            change("d", 7, null, null, 4));

    assertThat(batches).hasSize(2);
    assertThat(keys(batches.get(0).upserts())).containsExactly("2", "7");
    assertThat(keys(batches.get(0).deletes())).containsExactly("1");
    assertThat(keys(batches.get(1).deletes())).containsExactly("2", "7");
    RowChange move = batches.get(1).upserts().iterator().next();
    assertThat(oldKey(move)).isEqualTo("2");
    assertThat(move.values()).containsExactly(3L, "later");
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
