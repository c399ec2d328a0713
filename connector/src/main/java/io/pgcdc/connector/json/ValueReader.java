package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pgcdc.connector.common.Unchecked;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Reads one JSON value from a streaming parser straight into the Connect value that Kafka's
 * converter builds from the JsonNode tree of the same bytes, when the value matches its schema.
 *
 * <p>Where it does not, Kafka's reading of a tree node coerces: a string under an int32 schema
 * reads as 0, a number under a string schema as null, a long under an int32 schema is truncated, an
 * object under an array schema iterates its values. This reader refuses every such value with a
 * {@link SchemaMismatchException} naming the field. An integral value that fits is a match whatever
 * its spelling ({@code 5.0} under int32 is 5, as for Kafka); so are the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} under a float schema, which is how Kafka's converter
 * writes those values (Kafka reads them back as 0; this reader as themselves).
 *
 * <p>Numbers follow Kafka's deserializer: floating-point tokens are read as BigDecimal
 * (USE_BIG_DECIMAL_FOR_FLOATS, exact big decimals), integers as int, long or BigInteger by size.
 */
final class ValueReader {
  private final boolean replaceNullWithDefault;

  ValueReader(boolean replaceNullWithDefault) {
    this.replaceNullWithDefault = replaceNullWithDefault;
  }

  /** The value at the parser's current token, which must be the first token of the value. */
  Object read(JsonParser p, Schema schema) throws IOException {
    JsonToken t = p.currentToken();
    if (schema == null) {
      return readSchemaless(p, t);
    }
    if (t == JsonToken.VALUE_NULL) {
      return nullValue(schema, "null");
    }
    String name = schema.name();
    if (name != null) {
      switch (name) {
        case Decimal.LOGICAL_NAME:
          return Scalars.readDecimal(p, t, schema);
        case Date.LOGICAL_NAME:
          return Date.toLogical(schema, Scalars.intToken(p, t, schema));
        case Time.LOGICAL_NAME:
          return Time.toLogical(schema, Scalars.intToken(p, t, schema));
        case Timestamp.LOGICAL_NAME:
          return Timestamp.toLogical(schema, Scalars.timestampToken(p, t, schema));
        default:
          break;
      }
    }
    switch (schema.type()) {
      case BOOLEAN:
        return Scalars.readBoolean(t, schema);
      case INT8:
        return (byte) Scalars.integer(p, t, schema, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case INT16:
        return (short) Scalars.integer(p, t, schema, Short.MIN_VALUE, Short.MAX_VALUE);
      case INT32:
        return (int) Scalars.integer(p, t, schema, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64:
        return Scalars.integer(p, t, schema, Long.MIN_VALUE, Long.MAX_VALUE);
      case FLOAT32:
        return Scalars.readFloat(p, t, schema);
      case FLOAT64:
        return Scalars.readDouble(p, t, schema);
      case STRING:
        return Scalars.readString(p, t, schema);
      case BYTES:
        return Scalars.base64(p, t, schema);
      case ARRAY:
        return readArray(p, t, schema);
      case MAP:
        return readMap(p, t, schema);
      case STRUCT:
        return readStruct(p, t, schema);
      default:
        throw Scalars.mismatch(schema, t);
    }
  }

  /** JSON null (or a missing struct field) under a schema. */
  private Object nullValue(Schema schema, String found) {
    if (replaceNullWithDefault && schema.defaultValue() != null) {
      return schema.defaultValue();
    }
    if (schema.isOptional()) {
      return null;
    }
    throw new SchemaMismatchException(
        "", "expected a required " + Scalars.type(schema) + ", found " + found);
  }

  private List<Object> readArray(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw Scalars.mismatch(schema, t);
    }
    Schema elementSchema = schema.valueSchema();
    List<Object> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      try {
        list.add(read(p, elementSchema));
      } catch (SchemaMismatchException e) {
        throw e.within("[" + list.size() + "]");
      }
    }
    return list;
  }

  private Map<Object, Object> readMap(JsonParser p, JsonToken t, Schema schema) throws IOException {
    Schema keySchema = schema.keySchema();
    Schema valueSchema = schema.valueSchema();
    Map<Object, Object> map = new HashMap<>();
    if (keySchema.type() == Schema.Type.STRING) {
      // Kafka keeps object keys as they are, without converting them by the key schema.
      if (t != JsonToken.START_OBJECT) {
        throw Scalars.mismatch(schema, t);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        try {
          map.put(key, read(p, valueSchema));
        } catch (SchemaMismatchException e) {
          throw e.within("[" + key + "]");
        }
      }
      return map;
    }
    // Other keys: an array of [key, value] pairs.
    if (t != JsonToken.START_ARRAY) {
      throw Scalars.mismatch(schema, t);
    }
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      try {
        readEntry(p, keySchema, valueSchema, map);
      } catch (SchemaMismatchException e) {
        throw e.within("[" + i + "]");
      }
    }
    return map;
  }

  private void readEntry(
      JsonParser p, Schema keySchema, Schema valueSchema, Map<Object, Object> map)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new SchemaMismatchException(
          "",
          "expected a map entry as a [key, value] array, found " + Scalars.json(p.currentToken()));
    }
    p.nextToken();
    Object key = read(p, keySchema);
    p.nextToken();
    Object value = read(p, valueSchema);
    if (p.nextToken() != JsonToken.END_ARRAY) {
      throw new SchemaMismatchException(
          "", "expected a map entry as a [key, value] array, found a longer array");
    }
    map.put(key, value);
  }

  private Struct readStruct(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw Scalars.mismatch(schema, t);
    }
    Struct struct = new Struct(schema.schema());
    List<Field> fields = schema.fields();
    boolean[] seen = new boolean[fields.size()];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      Field field = schema.field(p.currentName());
      p.nextToken();
      if (field == null) {
        p.skipChildren(); // Kafka reads only the schema's fields
        continue;
      }
      try {
        // Unchecked: read() gives each schema type its class, and null only where allowed.
        Unchecked.put(struct, field, read(p, field.schema()));
      } catch (SchemaMismatchException e) {
        throw e.within(field.name());
      }
      seen[field.index()] = true;
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        Field field = fields.get(i);
        try {
          // Kafka: a missing field reads as null
          Unchecked.put(
              struct, field, nullValue(field.schema(), "no value (the field is missing)"));
        } catch (SchemaMismatchException e) {
          throw e.within(field.name());
        }
      }
    }
    return struct;
  }

  private static Object readSchemaless(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw Fallback.INSTANCE; // no schema to refuse it by: Kafka's reading of it stands
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue().doubleValue();
      case VALUE_STRING:
        return p.getText();
      case START_ARRAY:
        {
          List<Object> list = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(readSchemaless(p, p.currentToken()));
          }
          return list;
        }
      case START_OBJECT:
        {
          Map<Object, Object> map = new HashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            map.put(key, readSchemaless(p, p.nextToken()));
          }
          return map;
        }
      default:
        throw Fallback.INSTANCE;
    }
  }
}
