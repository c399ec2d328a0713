package io.pgcdc.connector.sink.change;

import io.pgcdc.connector.common.TableId;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One change to one target row, read from one record. The first {@code keyCount} columns form the
 * primary key; {@code key} is their text joined (null when the table has no key: rows are
 * appended). A delete carries the key columns only; a truncate no columns. {@code unchanged} names
 * columns whose value the producer did not send (unchanged TOAST): the target keeps them. {@code
 * line} is the row as a COPY text line, values rendered for the target columns (by the writer's
 * prepare step); null before that, and for deletes. {@code oldKey} is set on the upsert of a key
 * change (the row moved from that key): null for any other change.
 */
public record RowChange(
    SinkRecord record,
    TableId table,
    Kind kind,
    String key,
    List<ColumnSpec> columns,
    Object[] values,
    int keyCount,
    Set<String> unchanged,
    byte[] line,
    OldKey oldKey) {

  public enum Kind {
    UPSERT,
    DELETE,
    TRUNCATE
  }

  /**
   * The key a row had before a key change moved it to {@link #key}: the key columns' text joined as
   * in {@link #key}, and their values and specs (for rendering them for the target columns).
   */
  public record OldKey(String key, List<ColumnSpec> columns, Object[] values) {
    /** The PostgreSQL text of key column {@code index}. */
    public String keyText(int index) {
      return RowChange.keyPart(key, columns.size(), index);
    }
  }

  /** This change as the move of the row at {@code from} (null: no move). */
  public RowChange withOldKey(OldKey from) {
    return new RowChange(
        record, table, kind, key, columns, values, keyCount, unchanged, line, from);
  }

  /** The delete of the row at this change's old key, which the change moves. */
  public RowChange deleteOfOldKey() {
    return new RowChange(
        record,
        table,
        Kind.DELETE,
        oldKey.key(),
        oldKey.columns(),
        oldKey.values(),
        keyCount,
        Set.of(),
        null,
        null);
  }

  /** The PostgreSQL text of key column {@code index}: a part of {@link #key}. */
  public String keyText(int index) {
    return keyPart(key, keyCount, index);
  }

  private static String keyPart(String key, int keyCount, int index) {
    if (keyCount == 1) {
      return key;
    }
    return key.split("\0", -1)[index];
  }

  /** The column names in order, the identity of a row shape. */
  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** True when both lists name the same columns in the same order. */
  public static boolean sameColumnNames(List<ColumnSpec> a, List<ColumnSpec> b) {
    if (a == b) {
      return true;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name())) {
        return false;
      }
    }
    return true;
  }
}
