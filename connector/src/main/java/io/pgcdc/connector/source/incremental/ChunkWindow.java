package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * One chunk of a table between its watermarks (DBLog). The rows are selected after the low
 * watermark was written and before the high one, and held until the stream reaches the high
 * watermark. A change the stream delivers between the two watermarks for a key of the chunk removes
 * that key: the stream's record is at least as new as the selected row, which, emitted later, would
 * undo it. A truncate of the table in between removes every row. At the high watermark the rows
 * left are emitted, before the stream's next change.
 *
 * <p>The stream may reach the low watermark before the rows are selected: the keys it changes from
 * then on are remembered and removed from the rows when they come. Pure: no I/O.
 *
 * @param <R> the held row
 */
final class ChunkWindow<R> {
  private final TableId table;
  private final String low;
  private final String high;
  private final Set<RowKey> changed = new HashSet<>();
  private LinkedHashMap<RowKey, R> rows;
  private boolean truncated;
  private boolean open;
  private boolean closed;

  /**
   * @param low the content of the chunk's low watermark
   * @param high the content of its high watermark
   */
  ChunkWindow(TableId table, String low, String high) {
    this.table = table;
    this.low = low;
    this.high = high;
  }

  /**
   * The rows selected between the watermarks, by key in key order; set before the high watermark is
   * written.
   */
  void selected(LinkedHashMap<RowKey, R> selected) {
    rows = selected;
    if (truncated) {
      rows.clear();
    }
    rows.keySet().removeAll(changed);
    changed.clear();
  }

  /**
   * A watermark reached the stream: the low one opens the window, the high one closes it and gives
   * the rows left, in key order. Null for anything else (a watermark of another chunk, or of a task
   * before a restart).
   */
  List<R> watermark(String content) {
    if (!open && !closed && content.equals(low)) {
      open = true;
    } else if (open && content.equals(high)) {
      if (rows == null) {
        throw new IllegalStateException("high watermark " + high + " before the chunk's rows");
      }
      open = false;
      closed = true;
      return new ArrayList<>(rows.values());
    }
    return null;
  }

  /** The stream delivered a change of {@code key} in {@code changedTable}. */
  void changed(TableId changedTable, RowKey key) {
    if (!open || !table.equals(changedTable)) {
      return;
    }
    if (rows == null) {
      changed.add(key);
    } else {
      rows.remove(key);
    }
  }

  /** The stream delivered a truncate of {@code truncatedTable}. */
  void truncated(TableId truncatedTable) {
    if (!open || !table.equals(truncatedTable)) {
      return;
    }
    if (rows == null) {
      truncated = true;
    } else {
      rows.clear();
    }
  }

  /** Whether the stream reached the high watermark. */
  boolean closed() {
    return closed;
  }

  String high() {
    return high;
  }
}
