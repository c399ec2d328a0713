package io.pgcdc.connector.source.record;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.common.Unchecked;
import io.pgcdc.connector.json.PreconvertedStruct;
import io.pgcdc.connector.types.ColumnType;
import io.pgcdc.connector.types.ExactText;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One captured table's columns as a relation message or the catalog describes them, with the
 * Connect schemas of its key, its row and its change envelope. A row that omits columns (unchanged
 * TOASTed values) gets a schema variant without those fields, made once and cached.
 */
public final class TableSchema {
  /** One column: name, type OID, its type's schema and conversion. */
  public record Column(String name, int typeOid, ColumnType type) {
    /** The column's type as format_type() prints it. */
    public String pgType() {
      return type.pgType();
    }

    /**
     * Converts the column's text form, as pgoutput sends it and as a COPY text field reads once
     * unescaped, with the type's codec: the one conversion of the snapshot and the stream. A value
     * the typed field cannot hold comes back as its {@link ExactText}.
     */
    public Object value(String text) {
      try {
        return type.value(text);
      } catch (DataException e) {
        throw new DataException("column " + name + ": " + e.getMessage(), e);
      }
    }
  }

  public final TableId table;
  final String topic;
  public final List<Column> columns;
  public final int[] keyColumns;
  final Schema keySchema;
  private final String valueSchemaName;
  private final String envelopeSchemaName;
  private final Schema sourceSchema;
  private final Schema fullRowSchema;
  private final Schema fullEnvelope;
  private final Map<BitSet, Schema> rowVariants = new HashMap<>();
  private final Map<List<Schema>, Schema> envelopeVariants = new HashMap<>();

  public TableSchema(
      TableId table, String topic, List<Column> columns, int[] keyColumns, Schema sourceSchema) {
    this.table = table;
    this.topic = topic;
    this.columns = List.copyOf(columns);
    this.keyColumns = keyColumns.clone();
    this.sourceSchema = sourceSchema;
    this.valueSchemaName = topic + ".Value";
    this.envelopeSchemaName = topic + ".Envelope";
    SchemaBuilder key = SchemaBuilder.struct().name(topic + ".Key");
    for (int i : keyColumns) {
      Column c = columns.get(i);
      key.field(c.name(), c.type().schema(false));
    }
    this.keySchema = keyColumns.length == 0 ? null : key.build();
    this.fullRowSchema = rowSchema(new BitSet());
    this.fullEnvelope = envelope(fullRowSchema, fullRowSchema);
  }

  /** The row schema without the {@code omitted} columns. */
  Schema rowSchema(BitSet omitted) {
    if (omitted.isEmpty() && fullRowSchema != null) {
      return fullRowSchema;
    }
    return rowVariants.computeIfAbsent(
        omitted,
        o -> {
          SchemaBuilder b = SchemaBuilder.struct().name(valueSchemaName).optional();
          for (int i = 0; i < columns.size(); i++) {
            if (!o.get(i)) {
              Column c = columns.get(i);
              b.field(c.name(), c.type().schema(true));
            }
          }
          return b.build();
        });
  }

  /** Positions of the envelope's fields, in the order {@link #envelope} adds them. */
  static final int ENVELOPE_BEFORE = 0;

  static final int ENVELOPE_AFTER = 1;
  static final int ENVELOPE_SOURCE = 2;
  static final int ENVELOPE_OP = 3;
  static final int ENVELOPE_TS_MS = 4;

  /** The envelope schema whose before and after have these row schemas. */
  Schema envelope(Schema before, Schema after) {
    if (before == fullRowSchema && after == fullRowSchema && fullEnvelope != null) {
      return fullEnvelope;
    }
    return envelopeVariants.computeIfAbsent(
        List.of(before, after),
        k ->
            SchemaBuilder.struct()
                .name(envelopeSchemaName)
                .version(1)
                .field(Envelope.BEFORE, before)
                .field(Envelope.AFTER, after)
                .field(Envelope.SOURCE, sourceSchema)
                .field(Envelope.OP, Schema.STRING_SCHEMA)
                .field(Envelope.TS_MS, Schema.OPTIONAL_INT64_SCHEMA)
                .build());
  }

  Schema fullRowSchema() {
    return fullRowSchema;
  }

  /**
   * The key struct of a row whose converted values are {@code values}; one that may be converted
   * ahead by {@code ahead} when that is not null.
   */
  Struct key(Object[] values, PreconvertedStruct.Preconverter ahead) {
    if (keySchema == null) {
      return null;
    }
    Struct key = ahead == null ? new Struct(keySchema) : new PreconvertedStruct(keySchema, ahead);
    List<org.apache.kafka.connect.data.Field> fields = keySchema.fields();
    for (int k = 0; k < keyColumns.length; k++) {
      Column c = columns.get(keyColumns[k]);
      Object v = values[keyColumns[k]];
      if (v instanceof ExactText) {
        throw new DataException(
            "Table "
                + table
                + " key column "
                + c.name()
                + ": its value cannot be held by the typed key field ("
                + c.pgType()
                + "); set decimal.handling.mode=string or value.mode=text for this connector");
      }
      Unchecked.put(key, fields.get(k), c.type().forKey(v));
    }
    return key;
  }

  /**
   * Puts the converted values into {@code row}, a struct of a {@link #rowSchema} (whose fields are
   * all optional), leaving out the {@code omitted} columns. An {@link ExactText} value leaves its
   * field null and is added to {@code texts} under {@code prefix} and the column's name, creating
   * the map when it is null; returns the map.
   */
  Map<String, String> fill(
      Struct row, Object[] values, BitSet omitted, String prefix, Map<String, String> texts) {
    List<org.apache.kafka.connect.data.Field> fields = row.schema().fields();
    int f = 0;
    for (int i = 0; i < values.length; i++) {
      if (omitted.get(i)) {
        continue;
      }
      Object v = values[i];
      if (v instanceof ExactText exact) {
        if (texts == null) {
          texts = new java.util.LinkedHashMap<>();
        }
        texts.put(prefix + columns.get(i).name(), exact.text());
        v = null;
      }
      Unchecked.put(row, fields.get(f++), v); // of the column's type: its codec made it
    }
    return texts;
  }
}
