package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigDecimal;
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
          return readDecimal(p, t, schema);
        case Date.LOGICAL_NAME:
          return Date.toLogical(schema, intToken(p, t, schema));
        case Time.LOGICAL_NAME:
          return Time.toLogical(schema, intToken(p, t, schema));
        case Timestamp.LOGICAL_NAME:
          return Timestamp.toLogical(schema, timestampToken(p, t, schema));
        default:
          break;
      }
    }
    switch (schema.type()) {
      case BOOLEAN:
        return readBoolean(t, schema);
      case INT8:
        return (byte) integer(p, t, schema, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case INT16:
        return (short) integer(p, t, schema, Short.MIN_VALUE, Short.MAX_VALUE);
      case INT32:
        return (int) integer(p, t, schema, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64:
        return integer(p, t, schema, Long.MIN_VALUE, Long.MAX_VALUE);
      case FLOAT32:
        return readFloat(p, t, schema);
      case FLOAT64:
        return readDouble(p, t, schema);
      case STRING:
        return readString(p, t, schema);
      case BYTES:
        return base64(p, t, schema);
      case ARRAY:
        return readArray(p, t, schema);
      case MAP:
        return readMap(p, t, schema);
      case STRUCT:
        return readStruct(p, t, schema);
      default:
        throw mismatch(schema, t);
    }
  }

  private static Boolean readBoolean(JsonToken t, Schema schema) {
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    throw mismatch(schema, t);
  }

  private static String readString(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw mismatch(schema, t);
    }
    return p.getText();
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
        "", "expected a required " + type(schema) + ", found " + found);
  }

  /** The int32 of a date or time: an integer token, as Kafka requires. */
  private static int intToken(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw mismatch(schema, t);
    }
    return (int) integer(p, t, schema, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /** The int64 of a timestamp: an integer token, as Kafka requires. */
  private static long timestampToken(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw mismatch(schema, t);
    }
    return integer(p, t, schema, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * An integral value within [min, max]: an integer token, or a number token without a fraction
   * ({@code 5.0}, which Kafka reads as 5 too). A fraction or a value out of range is refused.
   */
  private static long integer(JsonParser p, JsonToken t, Schema schema, long min, long max)
      throws IOException {
    String found;
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        long v = p.getLongValue();
        if (v >= min && v <= max) {
          return v;
        }
      }
      found = "an integer out of range";
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      BigDecimal d = p.getDecimalValue();
      if (d.signum() == 0) {
        return 0;
      }
      if (d.stripTrailingZeros().scale() > 0) {
        found = "a number with a fraction";
      } else if (d.compareTo(BigDecimal.valueOf(min)) >= 0
          && d.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return d.longValueExact();
      } else {
        found = "a number out of range";
      }
    } else {
      throw mismatch(schema, t);
    }
    throw new SchemaMismatchException("", "expected " + type(schema) + ", found " + found);
  }

  private static float readFloat(JsonParser p, JsonToken t, Schema schema) throws IOException {
    switch (t) {
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue().floatValue();
      case VALUE_NUMBER_INT:
        // As IntNode, LongNode and BigIntegerNode convert: straight from the integer.
        switch (p.getNumberType()) {
          case INT:
            return p.getIntValue();
          case LONG:
            return p.getLongValue();
          default:
            return p.getBigIntegerValue().floatValue();
        }
      default:
        return (float) nonFinite(p, t, schema);
    }
  }

  private static double readDouble(JsonParser p, JsonToken t, Schema schema) throws IOException {
    switch (t) {
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue().doubleValue();
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return p.getIntValue();
          case LONG:
            return p.getLongValue();
          default:
            return p.getBigIntegerValue().doubleValue();
        }
      default:
        return nonFinite(p, t, schema);
    }
  }

  /** The strings Kafka's converter writes for NaN and the infinities (Jackson's defaults). */
  private static double nonFinite(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      switch (p.getText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw mismatch(schema, t);
  }

  private static BigDecimal readDecimal(JsonParser p, JsonToken t, Schema schema)
      throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDecimalValue();
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      // IntNode and LongNode: BigDecimal.valueOf; BigIntegerNode: new BigDecimal.
      switch (p.getNumberType()) {
        case INT:
          return BigDecimal.valueOf(p.getIntValue());
        case LONG:
          return BigDecimal.valueOf(p.getLongValue());
        default:
          return new BigDecimal(p.getBigIntegerValue());
      }
    }
    return Decimal.toLogical(schema, base64(p, t, schema));
  }

  /** Decoded exactly as TextNode.binaryValue() decodes it for Kafka. */
  private static byte[] base64(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw mismatch(schema, t);
    }
    try {
      return TextNode.valueOf(p.getText()).binaryValue();
    } catch (IOException e) {
      throw new SchemaMismatchException(
          "", "expected " + type(schema) + " as base64, found a string that is not base64");
    }
  }

  private List<Object> readArray(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw mismatch(schema, t);
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
        throw mismatch(schema, t);
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
      throw mismatch(schema, t);
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
          "", "expected a map entry as a [key, value] array, found " + json(p.currentToken()));
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
      throw mismatch(schema, t);
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
        struct.put(field, read(p, field.schema()));
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
          struct.put(field, nullValue(field.schema(), "no value (the field is missing)"));
        } catch (SchemaMismatchException e) {
          throw e.within(field.name());
        }
      }
    }
    return struct;
  }

  private static SchemaMismatchException mismatch(Schema schema, JsonToken t) {
    return new SchemaMismatchException("", "expected " + type(schema) + ", found " + json(t));
  }

  /** The schema's type as its JSON schema spells it, with the logical name if any. */
  private static String type(Schema schema) {
    String type = schema.type().getName();
    return schema.name() == null ? type : type + " (" + schema.name() + ")";
  }

  /** A JSON token's type, in words; never its value. */
  private static String json(JsonToken t) {
    switch (t) {
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
        return "an integer";
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      default:
        return String.valueOf(t);
    }
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
