package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.TableId;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One change to one target row, read from one record. The first {@code keyCount} columns form the
 * primary key; {@code key} is their text joined (null when the table has no key: rows are
 * appended). A delete carries the key columns only; a truncate no columns. {@code unchanged} names
 * columns whose value the producer did not send (unchanged TOAST): the target keeps them. {@code
 * line} is the row as a COPY text line, values rendered for the target columns ({@link
 * BatchWriter#prepare}); null before that, and for deletes.
 */
record RowChange(
    SinkRecord record,
    TableId table,
    Kind kind,
    String key,
    List<ColumnSpec> columns,
    Object[] values,
    int keyCount,
    Set<String> unchanged,
    byte[] line) {

  enum Kind {
    UPSERT,
    DELETE,
    TRUNCATE
  }

  /** This change with its COPY line. */
  RowChange withLine(byte[] encoded) {
    return new RowChange(record, table, kind, key, columns, values, keyCount, unchanged, encoded);
  }

  /** The PostgreSQL text of key column {@code index}: a part of {@link #key}. */
  String keyText(int index) {
    if (keyCount == 1) {
      return key;
    }
    return key.split("\0", -1)[index];
  }

  /** The column names in order, the identity of a row shape. */
  List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** True when both lists name the same columns in the same order. */
  static boolean sameColumnNames(List<ColumnSpec> a, List<ColumnSpec> b) {
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
