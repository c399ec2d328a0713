package io.pgcdc.connector.source.incremental;

import java.util.Arrays;

/**
 * A row's key values (converted, in key column order), compared by value. Not a record: a record
 * compares its array by identity, and a bytea key value is itself an array.
 */
final class RowKey {
  private final Object[] values;

  RowKey(Object[] values) {
    this.values = values;
  }

  /** The key of {@code row} by the key column indexes {@code keyColumns}. */
  static RowKey of(Object[] row, int[] keyColumns) {
    Object[] values = new Object[keyColumns.length];
    for (int i = 0; i < keyColumns.length; i++) {
      values[i] = row[keyColumns[i]];
    }
    return new RowKey(values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowKey k && Arrays.deepEquals(values, k.values);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(values);
  }
}
