package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.decoder.TupleValue;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;

/** Converts the tuples of pgoutput row messages into rows of a captured table. */
final class TupleRows {
  private TupleRows() {}

  /**
   * Converts a tuple. An unchanged TOASTed value is taken from {@code before} when the old row
   * carries it (REPLICA IDENTITY FULL); otherwise the column is omitted from the row.
   */
  static RecordBuilder.Row row(TableSchema t, List<TupleValue> tuple, RecordBuilder.Row before) {
    int n = t.columns.size();
    if (tuple.size() != n) {
      throw new ConnectException(
          "Table "
              + t.table
              + ": a change carries "
              + tuple.size()
              + " columns, its Relation message "
              + n
              + "; the stream is inconsistent, restart the task");
    }
    Object[] values = new Object[n];
    BitSet omitted = RecordBuilder.Row.COMPLETE;
    for (int i = 0; i < n; i++) {
      TupleValue v = tuple.get(i);
      if (v instanceof TupleValue.Text text) {
        values[i] = value(t, i, text.text());
      } else if (v instanceof TupleValue.UnchangedToast) {
        if (before != null && !before.omitted.get(i)) {
          values[i] = before.values[i];
        } else {
          if (omitted == RecordBuilder.Row.COMPLETE) {
            omitted = new BitSet(n);
          }
          omitted.set(i);
        }
      } else if (v instanceof TupleValue.Binary) {
        throw new ConnectException(
            "Table "
                + t.table
                + " column "
                + t.columns.get(i).name()
                + ": binary value, but binary mode is not requested");
      }
    }
    return new RecordBuilder.Row(values, omitted);
  }

  private static Object value(TableSchema t, int column, String text) {
    try {
      return t.columns.get(column).value(text);
    } catch (DataException e) {
      throw new DataException("Table " + t.table + " " + e.getMessage(), e);
    }
  }

  /** Whether a key column sent in both rows differs between them. */
  static boolean keyChanged(TableSchema t, RecordBuilder.Row before, RecordBuilder.Row after) {
    for (int k : t.keyColumns) {
      if (before.omitted.get(k) || after.omitted.get(k)) {
        continue;
      }
      Object b = before.values[k];
      Object a = after.values[k];
      boolean same =
          b instanceof byte[] bb && a instanceof byte[] ab
              ? Arrays.equals(bb, ab)
              : Objects.equals(b, a);
      if (!same) {
        return true;
      }
    }
    return false;
  }
}
