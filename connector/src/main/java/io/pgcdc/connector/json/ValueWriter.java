package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.DecimalFormat;

/**
 * Writes one Connect value as JSON with a streaming generator, making exactly the generator calls
 * that serializing Kafka's JsonNode tree for that value would make (IntNode: writeNumber(int),
 * ShortNode: writeNumber(short), BinaryNode: writeBinary, ...), so the bytes are the same. A writer
 * is compiled once per schema: logical type, null handling and struct field names are decided here,
 * not per record.
 */
interface ValueWriter {
  void write(JsonGenerator g, Object value) throws IOException;

  /** The writer for values of {@code schema}; {@code null} means schemaless. */
  static ValueWriter compile(
      Schema schema, boolean replaceNullWithDefault, DecimalFormat decimals) {
    if (schema == null) {
      return Schemaless.INSTANCE;
    }
    ValueWriter nonNull = compileNonNull(schema, replaceNullWithDefault, decimals);
    Object defaultValue = replaceNullWithDefault ? schema.defaultValue() : null;
    boolean optional = schema.isOptional();
    return (g, value) -> {
      if (value != null) {
        nonNull.write(g, value);
      } else if (defaultValue != null) {
        nonNull.write(g, defaultValue);
      } else if (optional) {
        g.writeNull();
      } else {
        throw new DataException(
            "Conversion error: null value for field that is required and has no default value");
      }
    };
  }

  private static ValueWriter compileNonNull(
      Schema schema, boolean replaceNullWithDefault, DecimalFormat decimals) {
    ValueWriter logical = logical(schema, decimals);
    if (logical != null) {
      return logical;
    }
    Schema.Type type = schema.type();
    switch (type) {
      case INT8:
        return (g, v) -> g.writeNumber((int) (Byte) expect(v, Byte.class, type));
      case INT16:
        return (g, v) -> g.writeNumber((short) (Short) expect(v, Short.class, type));
      case INT32:
        return (g, v) -> g.writeNumber((int) (Integer) expect(v, Integer.class, type));
      case INT64:
        return (g, v) -> g.writeNumber((long) (Long) expect(v, Long.class, type));
      case FLOAT32:
        return (g, v) -> g.writeNumber((float) (Float) expect(v, Float.class, type));
      case FLOAT64:
        return (g, v) -> g.writeNumber((double) (Double) expect(v, Double.class, type));
      case BOOLEAN:
        return (g, v) -> g.writeBoolean((Boolean) expect(v, Boolean.class, type));
      case STRING:
        return (g, v) -> g.writeString(expect(v, CharSequence.class, type).toString());
      case BYTES:
        return ValueWriter::writeBytes;
      case ARRAY:
        {
          ValueWriter element = compile(schema.valueSchema(), replaceNullWithDefault, decimals);
          return (g, v) -> writeArray(g, expect(v, Collection.class, type), element);
        }
      case MAP:
        {
          Schema keySchema = schema.keySchema();
          ValueWriter values = compile(schema.valueSchema(), replaceNullWithDefault, decimals);
          if (keySchema.type() == Schema.Type.STRING) {
            // Kafka writes convertToJson(keySchema, key).asText() as the name: the key itself
            // for a plain String key. Anything else (null, a logical key schema, a CharSequence
            // whose text may collide) is left to Kafka's converter.
            boolean plainKeys = logical(keySchema, decimals) == null;
            return (g, v) -> writeObjectMap(g, expect(v, Map.class, type), plainKeys, values);
          }
          ValueWriter keys = compile(keySchema, replaceNullWithDefault, decimals);
          return (g, v) -> writePairs(g, expect(v, Map.class, type), keys, values);
        }
      case STRUCT:
        return new StructWriter(schema, replaceNullWithDefault, decimals);
      default:
        throw new DataException("Couldn't convert a value of schema type " + type + " to JSON.");
    }
  }

  /** Kafka picks the logical conversion by schema name alone, before looking at the type. */
  private static ValueWriter logical(Schema schema, DecimalFormat decimals) {
    String name = schema.name();
    if (name == null) {
      return null;
    }
    switch (name) {
      case Decimal.LOGICAL_NAME:
        return (g, v) -> {
          if (!(v instanceof BigDecimal)) {
            throw new DataException(
                "Invalid type for Decimal, expected BigDecimal but was " + v.getClass());
          }
          if (decimals == DecimalFormat.NUMERIC) {
            g.writeNumber((BigDecimal) v);
          } else {
            g.writeBinary(Decimal.fromLogical(schema, (BigDecimal) v));
          }
        };
      case Date.LOGICAL_NAME:
        return (g, v) -> g.writeNumber(Date.fromLogical(schema, date(v, "Date")));
      case Time.LOGICAL_NAME:
        return (g, v) -> g.writeNumber(Time.fromLogical(schema, date(v, "Time")));
      case Timestamp.LOGICAL_NAME:
        return (g, v) -> g.writeNumber(Timestamp.fromLogical(schema, date(v, "Timestamp")));
      default:
        return null;
    }
  }

  private static java.util.Date date(Object v, String logicalType) {
    if (!(v instanceof java.util.Date)) {
      throw new DataException(
          "Invalid type for " + logicalType + ", expected Date but was " + v.getClass());
    }
    return (java.util.Date) v;
  }

  /** Kafka's message when the Java class does not fit the schema type. */
  private static <T> T expect(Object v, Class<T> type, Object schemaType) {
    if (!type.isInstance(v)) {
      throw new DataException("Invalid type for " + schemaType + ": " + v.getClass());
    }
    return type.cast(v);
  }

  private static void writeBytes(JsonGenerator g, Object v) throws IOException {
    if (v instanceof byte[]) {
      g.writeBinary((byte[]) v);
    } else if (v instanceof ByteBuffer) {
      // As Kafka does: the whole backing array, whatever the buffer's position and limit.
      g.writeBinary(((ByteBuffer) v).array());
    } else {
      throw new DataException("Invalid type for bytes type: " + v.getClass());
    }
  }

  private static void writeArray(JsonGenerator g, Collection<?> c, ValueWriter element)
      throws IOException {
    g.writeStartArray();
    for (Object e : c) {
      element.write(g, e);
    }
    g.writeEndArray();
  }

  private static void writeObjectMap(
      JsonGenerator g, Map<?, ?> map, boolean plainKeys, ValueWriter values) throws IOException {
    if (!plainKeys) {
      throw Fallback.INSTANCE;
    }
    g.writeStartObject();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw Fallback.INSTANCE;
      }
      g.writeFieldName((String) e.getKey());
      values.write(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writePairs(
      JsonGenerator g, Map<?, ?> map, ValueWriter keys, ValueWriter values) throws IOException {
    g.writeStartArray();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      g.writeStartArray();
      keys.write(g, e.getKey());
      values.write(g, e.getValue());
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  /** A struct: field names pre-encoded, one compiled writer per field. */
  final class StructWriter implements ValueWriter {
    private final Schema schema;
    private final Field[] fields;
    private final SerializedString[] names;
    private final ValueWriter[] writers;
    private final boolean[] hasDefault;

    StructWriter(Schema schema, boolean replaceNullWithDefault, DecimalFormat decimals) {
      this.schema = schema;
      List<Field> list = schema.fields();
      fields = list.toArray(new Field[0]);
      names = new SerializedString[fields.length];
      writers = new ValueWriter[fields.length];
      hasDefault = new boolean[fields.length];
      for (int i = 0; i < fields.length; i++) {
        names[i] = plainAscii(fields[i].name()) ? new SerializedString(fields[i].name()) : null;
        writers[i] = compile(fields[i].schema(), replaceNullWithDefault, decimals);
        hasDefault[i] = fields[i].schema().defaultValue() != null;
      }
    }

    /**
     * Names the generator writes the same from a pre-encoded SerializedString: printable ASCII
     * without quote or backslash. Others go through writeFieldName(String), whose escaping (of
     * surrogate pairs, for one) differs from SerializedString's.
     */
    private static boolean plainAscii(String name) {
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
          return false;
        }
      }
      return true;
    }

    @Override
    public void write(JsonGenerator g, Object v) throws IOException {
      Struct struct = expect(v, Struct.class, Schema.Type.STRUCT);
      if (!struct.schema().equals(schema)) {
        throw new DataException("Mismatching schema.");
      }
      g.writeStartObject();
      for (int i = 0; i < fields.length; i++) {
        if (names[i] != null) {
          g.writeFieldName(names[i]);
        } else {
          g.writeFieldName(fields[i].name());
        }
        // Kafka reads the field without its default; the null handling of the field's writer
        // applies the default only when replace.null.with.default is on. Without a default,
        // get(Field) is the same value and needs no lookup by name.
        Object value =
            hasDefault[i] ? struct.getWithoutDefault(fields[i].name()) : struct.get(fields[i]);
        writers[i].write(g, value);
      }
      g.writeEndObject();
    }
  }

  /** Values without a schema: the type comes from the Java class, as Kafka does it. */
  final class Schemaless implements ValueWriter {
    static final Schemaless INSTANCE = new Schemaless();

    private static final ClassValue<Optional<Schema.Type>> TYPES =
        new ClassValue<>() {
          @Override
          protected Optional<Schema.Type> computeValue(Class<?> type) {
            return Optional.ofNullable(ConnectSchema.schemaType(type));
          }
        };

    private static final String UNKNOWN = "unknown schema";

    @Override
    public void write(JsonGenerator g, Object v) throws IOException {
      if (v == null) {
        g.writeNull();
        return;
      }
      Schema.Type type = TYPES.get(v.getClass()).orElse(null);
      if (type == null) {
        throw new DataException(
            "Java class " + v.getClass() + " does not have corresponding schema type.");
      }
      switch (type) {
        case INT8:
          g.writeNumber((int) (Byte) expect(v, Byte.class, UNKNOWN));
          break;
        case INT16:
          g.writeNumber((short) (Short) expect(v, Short.class, UNKNOWN));
          break;
        case INT32:
          g.writeNumber((int) (Integer) expect(v, Integer.class, UNKNOWN));
          break;
        case INT64:
          g.writeNumber((long) (Long) expect(v, Long.class, UNKNOWN));
          break;
        case FLOAT32:
          g.writeNumber((float) (Float) expect(v, Float.class, UNKNOWN));
          break;
        case FLOAT64:
          g.writeNumber((double) (Double) expect(v, Double.class, UNKNOWN));
          break;
        case BOOLEAN:
          g.writeBoolean((Boolean) expect(v, Boolean.class, UNKNOWN));
          break;
        case STRING:
          g.writeString(expect(v, CharSequence.class, UNKNOWN).toString());
          break;
        case BYTES:
          writeBytes(g, v);
          break;
        case ARRAY:
          writeArray(g, expect(v, Collection.class, UNKNOWN), this);
          break;
        case MAP:
          writeMap(g, expect(v, Map.class, UNKNOWN));
          break;
        case STRUCT:
          // Kafka compares the struct's schema with the (null) schema: never equal.
          expect(v, Struct.class, UNKNOWN);
          throw new DataException("Mismatching schema.");
        default:
          throw new DataException("Couldn't convert " + v + " to JSON.");
      }
    }

    /** An object when every key is a String, otherwise an array of [key, value] pairs. */
    private void writeMap(JsonGenerator g, Map<?, ?> map) throws IOException {
      boolean objectMode = true;
      for (Object key : map.keySet()) {
        if (!(key instanceof String)) {
          objectMode = false;
          break;
        }
      }
      if (objectMode) {
        writeObjectMap(g, map, true, this);
      } else {
        writePairs(g, map, this, this);
      }
    }
  }
}
