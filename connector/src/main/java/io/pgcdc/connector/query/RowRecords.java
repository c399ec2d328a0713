package io.pgcdc.connector.query;

import io.pgcdc.connector.types.ExactText;
import io.pgcdc.connector.types.TextValuesHeader;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records of one query's rows: the value is the row, each field with the schema the CDC source
 * gives the same column (so a pgcdc sink writes it back exactly); the key holds the query's key
 * columns, or is null when it names none. Made for one result shape; a changed shape makes anew.
 */
final class RowRecords {
  private final QuerySpec spec;
  private final List<ResultColumns.Column> columns;
  private final Schema valueSchema;
  private final Schema keySchema;
  private final int[] keyIndexes;

  RowRecords(QuerySpec spec, List<ResultColumns.Column> columns) {
    this.spec = spec;
    this.columns = columns;
    SchemaBuilder value = SchemaBuilder.struct().name(spec.topic() + ".Value");
    for (ResultColumns.Column c : columns) {
      value.field(c.name(), c.type().schema(true));
    }
    this.valueSchema = value.build();
    this.keyIndexes = new int[spec.keyColumns().size()];
    SchemaBuilder key = SchemaBuilder.struct().name(spec.topic() + ".Key");
    for (int k = 0; k < keyIndexes.length; k++) {
      String name = spec.keyColumns().get(k);
      keyIndexes[k] = indexOf(name);
      key.field(name, columns.get(keyIndexes[k]).type().schema(false));
    }
    this.keySchema = keyIndexes.length == 0 ? null : key.build();
  }

  /** Index of the result column {@code name}; a ConnectException naming the setting if none. */
  int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new ConnectException(
        "Query "
            + spec.name()
            + " returns no column '"
            + name
            + "' (its columns: "
            + columns.stream().map(ResultColumns.Column::name).toList()
            + "): correct the column in "
            + spec.setting(QuerySpec.KEY_COLUMNS)
            + ", "
            + spec.setting(QuerySpec.TIMESTAMP_COLUMN)
            + " or "
            + spec.setting(QuerySpec.INCREMENTING_COLUMN));
  }

  /** The Connect value of the text of column {@code i}; null stays null. */
  Object value(int i, String text) {
    if (text == null) {
      return null;
    }
    ResultColumns.Column c = columns.get(i);
    Object v;
    try {
      v = c.type().value(text);
    } catch (DataException e) {
      throw new DataException(
          "Query " + spec.name() + ", column " + c.name() + ": " + e.getMessage(), e);
    }
    return v;
  }

  /**
   * The record of a row. A value its typed field cannot hold (an {@link ExactText}: numeric NaN, a
   * 2-D array, an infinite date...) leaves the field null and goes, as PostgreSQL's text, into the
   * header {@value TextValuesHeader#NAME} (column name to text), as the CDC source puts it into its
   * {@code source.text_values}.
   */
  SourceRecord record(Object[] values, Map<String, ?> offset, long timestamp) {
    Struct row = new Struct(valueSchema);
    List<Field> fields = valueSchema.fields();
    Map<String, String> texts = null;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v instanceof ExactText exact) {
        if (texts == null) {
          texts = new java.util.LinkedHashMap<>();
        }
        texts.put(columns.get(i).name(), exact.text());
        v = null;
      }
      row.put(fields.get(i), v);
    }
    Struct key = null;
    if (keySchema != null) {
      key = new Struct(keySchema);
      for (int k = 0; k < keyIndexes.length; k++) {
        Object v = values[keyIndexes[k]];
        if (v == null || v instanceof ExactText) {
          throw new DataException(
              "Query "
                  + spec.name()
                  + ": key column "
                  + spec.keyColumns().get(k)
                  + (v == null
                      ? " is null in a row; a key column must never be null (see "
                      : " holds a value its typed field cannot hold; set decimal.handling.mode="
                          + "string or value.mode=text, or choose other key columns (see ")
                  + spec.setting(QuerySpec.KEY_COLUMNS)
                  + ")");
        }
        key.put(keySchema.fields().get(k), columns.get(keyIndexes[k]).type().forKey(v));
      }
    }
    SourceRecord r =
        new SourceRecord(
            QueryOffset.partition(spec.name()),
            offset,
            spec.topic(),
            null,
            keySchema,
            key,
            valueSchema,
            row,
            timestamp);
    if (texts != null) {
      r.headers()
          .add(TextValuesHeader.NAME, TextValuesHeader.write(texts), TextValuesHeader.SCHEMA);
    }
    return r;
  }
}
