package io.pgcdc.connector.sink.write;

import static io.pgcdc.connector.sink.TestRecords.change;
import static io.pgcdc.connector.sink.TestRecords.moveCreate;
import static io.pgcdc.connector.sink.TestRecords.moveDelete;
import static io.pgcdc.connector.sink.TestRecords.toastUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.TestRecords;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class WritePlanTest {
  private static final Table ORDERS =
      SqlTest.table(
          "orders",
          List.of("id"),
          new Column("id", "bigint", true, false),
          new Column("name", "text", false, false),
          new Column("doc", "jsonb", false, false));

  private static TableBatch batch(String keyMode, SinkRecord... records) {
    ChangeReader reader =
        new ChangeReader(
            TestRecords.config(
                "table.name.format", "${source.table}", "primary.key.mode", keyMode));
    List<RowChange> changes = new ArrayList<>();
    for (SinkRecord r : records) {
      RowChange c = reader.read(r);
      if (c != null) {
        changes.add(c);
      }
    }
    return TableBatch.reduce(changes).get(0);
  }

  private static List<List<Long>> offsets(List<List<RowChange>> groups) {
    return groups.stream().map(WritePlanTest::offsetsOf).toList();
  }

  private static List<Long> offsetsOf(Collection<RowChange> rows) {
    return rows.stream().map(r -> r.record().kafkaOffset()).toList();
  }

  @Test
  void upsertsAreGroupedByTheirPresentColumnsSoAToastUpdateLeavesItsColumnAlone() {
    TableBatch batch =
        batch(
            "record_key",
            change("c", 1, "a", "{}", 0),
            toastUpdate(2, "b", 1),
            change("c", 3, "c", "[]", 2),
            toastUpdate(4, "d", 3));

    WritePlan plan = WritePlan.of(ORDERS, batch, InsertMode.UPSERT);

    assertThat(offsets(plan.upserts())).containsExactly(List.of(0L, 2L), List.of(1L, 3L));
    assertThat(plan.upserts().get(1).get(0).columnNames()).containsExactly("id", "name");
    assertThat(plan.moves()).isEmpty();
    assertThat(plan.appends()).isEmpty();
    assertThat(plan.truncate()).isFalse();
  }

  @Test
  void aKeyChangeThatLeftAColumnOutIsStagedAsAMoveAndItsOldKeyDeleted() {
    TableBatch batch =
        batch(
            "record_key",
            moveDelete(1, 2, 0),
            moveCreate(1, 2, "a", 1),
            change("c", 5, "x", null, 2));

    WritePlan plan = WritePlan.of(ORDERS, batch, InsertMode.UPSERT);

    assertThat(offsets(plan.moves())).containsExactly(List.of(1L));
    assertThat(RowMoves.keptColumns(ORDERS, plan.moves().get(0).get(0))).containsExactly("doc");
    assertThat(plan.deletes()).extracting(RowChange::key).containsExactly("1");
    assertThat(offsets(plan.upserts())).containsExactly(List.of(2L));
  }

  @Test
  void onlyUpsertsMoveRowsKeepingTheirValues() {
    TableBatch batch = batch("record_key", moveDelete(1, 2, 0), moveCreate(1, 2, "a", 1));

    WritePlan plan = WritePlan.of(ORDERS, batch, InsertMode.UPDATE);

    assertThat(plan.moves()).isEmpty();
    assertThat(offsets(plan.upserts())).containsExactly(List.of(1L));
  }

  @Test
  void rowsWithoutAKeyAreAppendedInOrder() {
    TableBatch batch = batch("none", change("c", 1, "a", null, 0), change("c", 1, "b", null, 1));

    WritePlan plan = WritePlan.of(ORDERS, batch, InsertMode.INSERT);

    assertThat(offsets(plan.appends())).containsExactly(List.of(0L, 1L));
    assertThat(plan.upserts()).isEmpty();
  }

  @Test
  void theKeyProbeSkipsWholeNumberKeysAboveTheTablesLargest() {
    TableBatch batch =
        batch("record_key", change("c", 9, "a", null, 0), change("c", 4, "b", null, 1));
    List<RowChange> rows = List.copyOf(batch.upserts());
    Table textKey = SqlTest.table("t", List.of("id"), new Column("id", "text", true, false));

    assertThat(TableWrite.wholeNumberKeys(ORDERS, "id", rows)).containsExactly(9L, 4L);
    assertThat(TableWrite.wholeNumberKeys(textKey, "id", rows)).isNull();
    assertThat(TableWrite.atOrBelow(new long[] {9, 4, 12, 5}, 5)).containsExactly(1, 3);
    assertThat(TableWrite.atOrBelow(new long[] {9, 12}, 5)).isEmpty();
  }

  @Test
  void upsertsNeedAUniqueIndexOnTheKey() {
    Table noKey = new Table(ORDERS.id(), ORDERS.columns(), List.of(), List.of());

    TableWrite.requireUniqueKey(ORDERS, List.of("id"));
    assertThatThrownBy(() -> TableWrite.requireUniqueKey(noKey, List.of("id")))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("has no primary key or unique index on (id)")
        .hasMessageContaining("ADD PRIMARY KEY (\"id\")");
  }
}
