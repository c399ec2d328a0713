package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes of one batch to one table, reduced by key in record order: the last change of a key
 * wins, a delete after an upsert deletes, an upsert after a delete deletes the old row and inserts
 * the new one, a truncate discards what came before it. An update that left unchanged TOAST columns
 * out takes them from an earlier upsert of the same key in the batch. The upsert of a key change
 * ({@link RowChange#oldKey}) deletes the old key's row and takes from it what it leaves out (the
 * writer reads those values before it deletes).
 *
 * <p>A key change of a row that a key change of this batch moved here is not reduced into it: it
 * starts the next batch of the table, written after this one in the same transaction. Reduced into
 * one move from the first key to the last, the chain would delete every key on the way and take the
 * left-out values from the first key only; when records are written again after a restart, the row
 * is at one of the later keys already, and its values would be deleted with it (seen as
 * KeyMoveFaultIT's lost TOAST values once batches spanned put() calls).
 */
final class TableBatch {
  private final TableId table;
  private boolean truncate;
  private final Map<String, RowChange> deletes = new LinkedHashMap<>();
  private final Map<String, RowChange> upserts = new LinkedHashMap<>();
  private final List<RowChange> appends = new ArrayList<>();

  TableBatch(TableId table) {
    this.table = table;
  }

  /**
   * Groups changes by table and reduces each table's changes, in order of appearance; a table has
   * more than one batch when a key change moves on a row that a key change before it moved (see the
   * class comment). A table's batches are to be written in the order returned.
   */
  static List<TableBatch> reduce(List<RowChange> changes) {
    List<TableBatch> batches = new ArrayList<>();
    Map<TableId, TableBatch> filling = new HashMap<>();
    for (RowChange change : changes) {
      TableBatch batch = filling.get(change.table());
      if (batch == null || !batch.add(change)) {
        batch = new TableBatch(change.table());
        batch.add(change);
        filling.put(change.table(), batch);
        batches.add(batch);
      }
    }
    return batches;
  }

  /**
   * Reduces the change into this batch; false (and the batch unchanged) for a key change whose old
   * key a key change of this batch moved a row to: it belongs to the next batch.
   */
  boolean add(RowChange change) {
    switch (change.kind()) {
      case TRUNCATE -> {
        truncate = true;
        deletes.clear();
        upserts.clear();
        appends.clear();
        return true;
      }
      case DELETE -> {
        upserts.remove(change.key());
        deletes.put(change.key(), change);
        return true;
      }
      case UPSERT -> {
        if (change.key() == null) {
          appends.add(change);
          return true;
        }
        if (change.oldKey() != null) {
          return move(change);
        }
        RowChange previous = upserts.get(change.key());
        boolean partial =
            previous != null && !RowChange.sameColumnNames(previous.columns(), change.columns());
        RowChange next = partial ? merge(previous, change) : change;
        // An update of a row that moved here in this batch: the row still comes from where it was.
        upserts.put(
            change.key(),
            previous != null && previous.oldKey() != null
                ? next.withOldKey(previous.oldKey())
                : next);
        return true;
      }
      default -> throw new IllegalStateException(change.kind().toString());
    }
  }

  /**
   * The row at the old key moves to the new key: the old key's row is deleted, and the new one
   * takes the values the change left out from it. When this batch wrote the old key, what it wrote
   * comes along (as a merge). False, and nothing done, when a key change of this batch moved the
   * row to the old key: the row must be taken from the old key as the table holds it once this
   * batch is written, which may be a row written before a restart.
   */
  private boolean move(RowChange change) {
    String from = change.oldKey().key();
    RowChange previous = upserts.get(from);
    if (previous != null && previous.oldKey() != null) {
      return false;
    }
    upserts.remove(from);
    RowChange moved = previous == null ? change : merge(previous, change);
    deletes.put(from, change.deleteOfOldKey());
    upserts.put(change.key(), moved);
    return true;
  }

  /**
   * {@code next} plus the columns that {@code previous} wrote and {@code next} does not (unchanged
   * TOAST, or a row from an older schema): the row that writing both, one after the other, leaves.
   */
  static RowChange merge(RowChange previous, RowChange next) {
    List<ColumnSpec> columns = new ArrayList<>(next.columns());
    List<Object> values = new ArrayList<>(java.util.Arrays.asList(next.values()));
    Set<String> present = new HashSet<>(next.columnNames());
    Set<String> stillUnchanged = new HashSet<>(next.unchanged());
    for (int i = previous.keyCount(); i < previous.columns().size(); i++) {
      ColumnSpec column = previous.columns().get(i);
      if (present.add(column.name())) {
        stillUnchanged.remove(column.name());
        columns.add(column);
        values.add(previous.values()[i]);
      }
    }
    return new RowChange(
        next.record(),
        next.table(),
        next.kind(),
        next.key(),
        List.copyOf(columns),
        values.toArray(),
        next.keyCount(),
        Set.copyOf(stillUnchanged),
        null, // encoded again for the merged columns
        next.oldKey());
  }

  TableId table() {
    return table;
  }

  boolean truncate() {
    return truncate;
  }

  /** Rows to delete first (deleted keys, and keys deleted before an upsert in this batch). */
  Collection<RowChange> deletes() {
    return deletes.values();
  }

  /** One change per key, to write after the deletes. */
  Collection<RowChange> upserts() {
    return upserts.values();
  }

  /** Rows without a key, appended in order. */
  List<RowChange> appends() {
    return appends;
  }

  boolean isEmpty() {
    return !truncate && deletes.isEmpty() && upserts.isEmpty() && appends.isEmpty();
  }
}
