package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.sink.PostgresSinkConfig;
import io.pgcdc.connector.sink.PostgresSinkConfig.PrimaryKeyMode;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.encode.PgText;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The primary key of a change as primary.key.mode says: none, the Kafka coordinates, fields of the
 * row, or the record key (a struct, a map or a single value); and the key's text.
 */
final class KeyColumns {
  /** The primary key columns of primary.key.mode=kafka. */
  static final List<ColumnSpec> KAFKA_COLUMNS =
      List.of(
          new ColumnSpec("__connect_topic", "text", Schema.STRING_SCHEMA),
          new ColumnSpec("__connect_partition", "integer", Schema.INT32_SCHEMA),
          new ColumnSpec("__connect_offset", "bigint", Schema.INT64_SCHEMA));

  private final PrimaryKeyMode keyMode;
  private final List<String> keyFields;
  private final ColumnSpecs specs;

  KeyColumns(PostgresSinkConfig config, ColumnSpecs specs) {
    this.keyMode = config.primaryKeyMode();
    this.keyFields = config.primaryKeyFields();
    this.specs = specs;
  }

  PrimaryKeyMode mode() {
    return keyMode;
  }

  /** True when the key fields are those of the record key, whatever they are. */
  boolean allOfTheRecordKey() {
    return keyMode == PrimaryKeyMode.RECORD_KEY && keyFields.isEmpty();
  }

  /**
   * Appends the primary key columns of the record, whose row is {@code row} (null: none); a key
   * field that {@code texts} lists is an error (see {@link TextValues#checkKey}).
   */
  void append(
      SinkRecord record, Row row, List<ColumnSpec> columns, List<Object> values, TextValues texts) {
    switch (keyMode) {
      case NONE -> {}
      case KAFKA -> {
        columns.addAll(KAFKA_COLUMNS);
        values.add(record.topic());
        values.add(record.kafkaPartition());
        values.add(record.kafkaOffset());
      }
      case RECORD_VALUE -> fromRow(row, columns, values, texts);
      case RECORD_KEY -> fromKey(record, columns, values, texts);
      default -> throw new IllegalStateException(keyMode.toString());
    }
  }

  private void fromRow(Row row, List<ColumnSpec> columns, List<Object> values, TextValues texts) {
    if (row == null) {
      throw new BadRecordException(
          "the delete event has no 'before' row to read the key fields " + keyFields + " from");
    }
    for (String name : keyFields) {
      int i = row.indexOf(name);
      if (i < 0) {
        throw new BadRecordException(
            "the row has no field '" + name + "' named in primary.key.fields");
      }
      columns.add(specs.of(row).get(i));
      values.add(requireValue(name, row.value(i), texts));
    }
  }

  private void fromKey(
      SinkRecord record, List<ColumnSpec> columns, List<Object> values, TextValues texts) {
    Object key = record.key();
    if (key == null) {
      throw new BadRecordException(
          "the record has no key, but primary.key.mode=record_key takes the primary key from it");
    }
    if (!(key instanceof Struct || key instanceof Map<?, ?>)) {
      if (keyFields.size() != 1) {
        throw new BadRecordException(
            "the record key is a single value, so primary.key.fields must name its one column (it"
                + " names "
                + keyFields.size()
                + ")");
      }
      columns.add(ColumnSpec.of(keyFields.get(0), record.keySchema()));
      values.add(key);
      return;
    }
    Row keyRow = Row.of(key, "the record key");
    List<ColumnSpec> keySpecs = specs.of(keyRow);
    if (keyFields.isEmpty()) {
      for (int i = 0; i < keySpecs.size(); i++) {
        columns.add(keySpecs.get(i));
        values.add(requireValue(keySpecs.get(i).name(), keyRow.value(i), texts));
      }
    } else {
      for (String name : keyFields) {
        int i = keyRow.indexOf(name);
        if (i < 0) {
          throw new BadRecordException(
              "the record key has no field '" + name + "' named in primary.key.fields");
        }
        columns.add(keySpecs.get(i));
        values.add(requireValue(name, keyRow.value(i), texts));
      }
    }
    if (columns.isEmpty()) {
      throw new BadRecordException("the record key has no fields");
    }
  }

  private static Object requireValue(String name, Object value, TextValues texts) {
    texts.checkKey(name, value);
    return requireValue(name, value);
  }

  static Object requireValue(String name, Object value) {
    if (value == null) {
      throw new BadRecordException("the primary key column '" + name + "' is null");
    }
    return value;
  }

  /** The key columns' text joined by NUL, which no PostgreSQL text contains. */
  static String text(List<ColumnSpec> columns, List<Object> values, int keyCount) {
    if (keyCount == 1) {
      return PgText.render(values.get(0), columns.get(0).schema(), PgText.Target.OTHER);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyCount; i++) {
      if (i > 0) {
        sb.append('\0');
      }
      sb.append(PgText.render(values.get(i), columns.get(i).schema(), PgText.Target.OTHER));
    }
    return sb.toString();
  }
}
