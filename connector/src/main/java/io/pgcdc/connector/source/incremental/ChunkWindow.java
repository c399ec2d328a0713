package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One chunk of a table between its watermarks (DBLog), as the stream sees it. The chunk's rows are
 * selected after the low watermark was written and before the high one; the stream's changes of the
 * table between the two watermarks are at least as new as the selected rows, so each key they
 * change leaves the chunk: the selected row, emitted at the high watermark, would undo the change.
 * A truncate of the table in between empties the chunk. The rows are selected on another thread and
 * may be ready only at the high watermark: the window keeps the changed keys, not the rows. Pure:
 * no I/O, task thread only.
 */
final class ChunkWindow {
  private final TableId table;
  private final String low;
  private final String high;
  private final Set<RowKey> changed = new HashSet<>();
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

  String low() {
    return low;
  }

  String high() {
    return high;
  }

  /**
   * A watermark reached the stream: the low one opens the window, the high one closes it. Whether
   * it closed the window (false for anything else: a watermark of another chunk, or of a task
   * before a restart).
   */
  boolean watermark(String content) {
    if (!open && !closed && content.equals(low)) {
      open = true;
    } else if (open && content.equals(high)) {
      open = false;
      closed = true;
      return true;
    }
    return false;
  }

  /** The stream delivered a change of {@code key} in {@code changedTable}. */
  void changed(TableId changedTable, RowKey key) {
    if (open && table.equals(changedTable)) {
      changed.add(key);
    }
  }

  /** The stream delivered a truncate of {@code truncatedTable}. */
  void truncated(TableId truncatedTable) {
    if (open && table.equals(truncatedTable)) {
      truncated = true;
    }
  }

  /**
   * Of the chunk's {@code selected} rows (by key, in key order), those to emit at the high
   * watermark, in order: the rows whose key the stream did not change between the watermarks.
   */
  <R> List<R> keep(LinkedHashMap<RowKey, R> selected) {
    List<R> kept = new ArrayList<>(truncated ? 0 : selected.size());
    if (!truncated) {
      for (Map.Entry<RowKey, R> e : selected.entrySet()) {
        if (!changed.contains(e.getKey())) {
          kept.add(e.getValue());
        }
      }
    }
    return kept;
  }

  /** Whether the stream reached the high watermark. */
  boolean closed() {
    return closed;
  }
}
