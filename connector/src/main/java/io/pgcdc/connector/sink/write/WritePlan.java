package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one table's reduced batch asks of the database, in the order it is written: a truncate; the
 * key changes that keep columns their change left out (unchanged TOAST), staged while the old rows
 * are still there; the deletes; the upserts, one group per list of present columns; the moves'
 * inserts; the appends (rows without a key). Planned without a database.
 */
record WritePlan(
    boolean truncate,
    List<List<RowChange>> moves,
    Collection<RowChange> deletes,
    List<List<RowChange>> upserts,
    List<List<RowChange>> appends) {

  static WritePlan of(Table table, TableBatch batch, InsertMode mode) {
    List<RowChange> plain = new ArrayList<>(batch.upserts().size());
    Map<List<String>, List<RowChange>> moving = new LinkedHashMap<>();
    for (RowChange row : batch.upserts()) {
      List<String> kept = mode == InsertMode.UPSERT ? RowMoves.keptColumns(table, row) : List.of();
      if (kept.isEmpty()) {
        plain.add(row);
      } else {
        List<String> group = new ArrayList<>(row.columnNames());
        group.add(null); // between the present and the kept columns
        group.addAll(kept);
        moving.computeIfAbsent(group, k -> new ArrayList<>()).add(row);
      }
    }
    return new WritePlan(
        batch.truncate(),
        List.copyOf(moving.values()),
        batch.deletes(),
        byColumns(plain),
        byColumns(batch.appends()));
  }

  /** Groups rows by their list of present column names, keeping the first appearance order. */
  static List<List<RowChange>> byColumns(Collection<RowChange> rows) {
    Map<List<String>, List<RowChange>> groups = new LinkedHashMap<>();
    List<ColumnSpec> lastColumns = null;
    List<RowChange> lastGroup = null;
    for (RowChange row : rows) {
      if (lastColumns == null || !RowChange.sameColumnNames(row.columns(), lastColumns)) {
        lastColumns = row.columns();
        lastGroup = groups.computeIfAbsent(row.columnNames(), k -> new ArrayList<>());
      }
      lastGroup.add(row);
    }
    return List.copyOf(groups.values());
  }
}
