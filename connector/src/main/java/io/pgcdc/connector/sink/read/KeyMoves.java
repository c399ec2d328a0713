package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.KeyChangeHeaders;
import io.pgcdc.connector.sink.PostgresSinkConfig.PrimaryKeyMode;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Key changes, which a CDC producer sends as a delete of the old key and a create at the new one:
 * the create moves the row (keeping the values it leaves out), so the delete and its tombstone are
 * skipped. Only where the target's key comes from the record (key or row) and deletes are enabled.
 */
final class KeyMoves {
  private final boolean enabled;
  private final ColumnSpecs specs;

  KeyMoves(boolean deleteEnabled, PrimaryKeyMode keyMode, ColumnSpecs specs) {
    this.enabled =
        deleteEnabled
            && (keyMode == PrimaryKeyMode.RECORD_KEY || keyMode == PrimaryKeyMode.RECORD_VALUE);
    this.specs = specs;
  }

  /**
   * True for the delete (and tombstone) of a key change, which the create that follows carries out
   * by moving the row: deleting it first would lose the values that the create leaves out.
   */
  boolean isMoveDelete(SinkRecord record) {
    return enabled && record.headers().lastWithName(KeyChangeHeaders.NEW_KEY) != null;
  }

  /**
   * The create as the move of the row at its old key, when the create is the second half of a key
   * change: our source sends the old row in {@code before}, Debezium the old key in the header
   * {@code __debezium.oldkey}. Otherwise the create as it is.
   */
  RowChange movedFrom(RowChange change, SinkRecord record, Row envelope) {
    int keyCount = change.keyCount();
    if (!enabled || keyCount == 0) {
      return change;
    }
    String where = "the envelope's field 'before'";
    Row old = Row.ofNullable(envelope.get("before"), where);
    if (old == null) {
      Header header = record.headers().lastWithName(KeyChangeHeaders.OLD_KEY);
      if (header == null || header.value() == null) {
        return change;
      }
      where = "the header " + KeyChangeHeaders.OLD_KEY;
      old = Row.of(header.value(), where);
    }
    List<ColumnSpec> oldSpecs = specs.of(old);
    List<ColumnSpec> columns = new ArrayList<>(keyCount);
    Object[] values = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      String name = change.columns().get(i).name();
      int at = old.indexOf(name);
      if (at < 0) {
        throw new BadRecordException(
            "the create of a key change gives its old key in "
                + where
                + ", which lacks the key column '"
                + name
                + "'");
      }
      columns.add(oldSpecs.get(at));
      values[i] = KeyColumns.requireValue(name, old.value(at));
    }
    String oldKey = KeyColumns.text(columns, Arrays.asList(values), keyCount);
    if (oldKey.equals(change.key())) {
      return change;
    }
    return change.withOldKey(new RowChange.OldKey(oldKey, List.copyOf(columns), values));
  }
}
