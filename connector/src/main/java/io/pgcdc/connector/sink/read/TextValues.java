package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.ExactText;
import io.pgcdc.connector.types.TextValuesHeader;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The source block's {@code text_values}: the exact PostgreSQL text of values that a typed field
 * could not hold (numeric NaN, an infinite date, a 2-D array, ...), keyed {@code "after.<column>"}
 * or {@code "before.<column>"}; the field itself is null. Such a null is written as the text, not
 * as NULL. A key column cannot be one: the key is compared and routed by its typed value.
 */
final class TextValues {
  /** The field of the source block that holds the map. */
  static final String FIELD = "text_values";

  static final TextValues NONE = new TextValues(null, Map.of());

  /** The target table, for the error of a key column; routed only when that error is thrown. */
  private final Supplier<TableId> table;

  private final Map<?, ?> texts;

  private TextValues(Supplier<TableId> table, Map<?, ?> texts) {
    this.table = table;
    this.texts = texts;
  }

  /**
   * The map of the source block (null: none) for a row of {@code table}; for a flat row (no source
   * block), the record's header {@value TextValuesHeader#NAME}, keyed by column name.
   */
  static TextValues of(SinkRecord record, Row source, Supplier<TableId> table) {
    if (source == null) {
      return ofHeader(record, table);
    }
    Object listed = source.get(FIELD);
    if (listed == null) {
      return NONE;
    }
    if (!(listed instanceof Map<?, ?> map)) {
      throw new BadRecordException(
          "the source block's field '"
              + FIELD
              + "' must be a map from \"after.<column>\" to text, got a "
              + listed.getClass().getSimpleName());
    }
    return map.isEmpty() ? NONE : new TextValues(table, map);
  }

  private static TextValues ofHeader(SinkRecord record, Supplier<TableId> table) {
    Header header = record.headers().lastWithName(TextValuesHeader.NAME);
    if (header == null || header.value() == null) {
      return NONE;
    }
    Map<String, String> read;
    try {
      read = TextValuesHeader.read(header.value());
    } catch (DataException e) {
      throw new BadRecordException(e.getMessage());
    }
    Map<Object, Object> texts = new java.util.HashMap<>();
    read.forEach((column, text) -> texts.put("after." + column, text));
    return texts.isEmpty() ? NONE : new TextValues(table, texts);
  }

  /** The value to write for a field of {@code side} ("after", "before"): its text when null. */
  Object value(String side, String column, Object value) {
    if (value != null || texts.isEmpty()) {
      return value;
    }
    String text = text(side + "." + column);
    return text == null ? null : new ExactText(text);
  }

  /** Throws when a null key field stands for a value its typed field could not hold. */
  void checkKey(String column, Object value) {
    if (value != null || texts.isEmpty()) {
      return;
    }
    String text = text("after." + column);
    if (text == null) {
      text = text("before." + column);
    }
    if (text != null) {
      throw new BadRecordException(
          "the primary key column "
              + column
              + " of table "
              + table.get()
              + " holds a value its typed field cannot hold ('"
              + (text.length() > 80 ? text.substring(0, 77) + "..." : text)
              + "', sent in source."
              + FIELD
              + "); a key must be typed: set decimal.handling.mode=string or value.mode=text on"
              + " the source connector");
    }
  }

  private String text(String key) {
    Object text = texts.get(key);
    if (text == null || text instanceof String) {
      return (String) text;
    }
    throw new BadRecordException(
        "the source block's field '"
            + FIELD
            + "' must map \""
            + key
            + "\" to text, got a "
            + text.getClass().getSimpleName());
  }
}
