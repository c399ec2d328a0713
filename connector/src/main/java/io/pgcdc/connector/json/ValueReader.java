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
 * converter would build from the JsonNode tree of the same bytes.
 *
 * <p>Kafka's reading of a tree node is lenient in ways that are hard to mirror token by token: a
 * number under a string schema becomes null, a string under a boolean schema becomes false, a long
 * under an int32 schema is truncated, an object under an array schema iterates its values. Each of
 * these, and every error, throws {@link Fallback}: the caller then lets Kafka's converter decide.
 * What is read here is only the exact, common case.
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
      return nullValue(schema);
    }
    String name = schema.name();
    if (name != null) {
      switch (name) {
        case Decimal.LOGICAL_NAME:
          return readDecimal(p, t, schema);
        case Date.LOGICAL_NAME:
          return Date.toLogical(schema, intToken(p, t));
        case Time.LOGICAL_NAME:
          return Time.toLogical(schema, intToken(p, t));
        case Timestamp.LOGICAL_NAME:
          return Timestamp.toLogical(schema, longToken(p, t));
        default:
          break;
      }
    }
    switch (schema.type()) {
      case BOOLEAN:
        if (t == JsonToken.VALUE_TRUE) {
          return Boolean.TRUE;
        }
        if (t == JsonToken.VALUE_FALSE) {
          return Boolean.FALSE;
        }
        throw Fallback.INSTANCE;
      case INT8:
        return (byte) intToken(p, t);
      case INT16:
        return (short) intToken(p, t);
      case INT32:
        return intToken(p, t);
      case INT64:
        return longToken(p, t);
      case FLOAT32:
        return readFloat(p, t);
      case FLOAT64:
        return readDouble(p, t);
      case STRING:
        if (t != JsonToken.VALUE_STRING) {
          throw Fallback.INSTANCE;
        }
        return p.getText();
      case BYTES:
        return base64(p, t);
      case ARRAY:
        return readArray(p, t, schema.valueSchema());
      case MAP:
        return readMap(p, t, schema);
      case STRUCT:
        return readStruct(p, t, schema);
      default:
        throw Fallback.INSTANCE;
    }
  }

  /** JSON null (or a missing struct field) under a schema. */
  private Object nullValue(Schema schema) {
    if (replaceNullWithDefault && schema.defaultValue() != null) {
      return schema.defaultValue();
    }
    if (schema.isOptional()) {
      return null;
    }
    throw Fallback.INSTANCE;
  }

  private static int intToken(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw Fallback.INSTANCE;
    }
    return p.getIntValue();
  }

  private static long longToken(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw Fallback.INSTANCE;
    }
    return p.getLongValue();
  }

  private static float readFloat(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDecimalValue().floatValue();
    }
    return (float) integral(p, t);
  }

  private static double readDouble(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDecimalValue().doubleValue();
    }
    return integral(p, t);
  }

  /** An int or long token, widened as IntNode / LongNode widen it. */
  private static double integral(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw Fallback.INSTANCE;
    }
    switch (p.getNumberType()) {
      case INT:
        return p.getIntValue();
      case LONG:
        return p.getLongValue();
      default:
        throw Fallback.INSTANCE;
    }
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
    return Decimal.toLogical(schema, base64(p, t));
  }

  /** Decoded exactly as TextNode.binaryValue() decodes it for Kafka. */
  private static byte[] base64(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw Fallback.INSTANCE;
    }
    return TextNode.valueOf(p.getText()).binaryValue();
  }

  private List<Object> readArray(JsonParser p, JsonToken t, Schema elementSchema)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw Fallback.INSTANCE;
    }
    List<Object> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      list.add(read(p, elementSchema));
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
        throw Fallback.INSTANCE;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        map.put(key, read(p, valueSchema));
      }
      return map;
    }
    if (t != JsonToken.START_ARRAY) {
      throw Fallback.INSTANCE;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw Fallback.INSTANCE;
      }
      p.nextToken();
      Object key = read(p, keySchema);
      p.nextToken();
      Object value = read(p, valueSchema);
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw Fallback.INSTANCE;
      }
      map.put(key, value);
    }
    return map;
  }

  private Struct readStruct(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw Fallback.INSTANCE;
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
      struct.put(field, read(p, field.schema()));
      seen[field.index()] = true;
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        Field field = fields.get(i);
        struct.put(field, nullValue(field.schema())); // Kafka: a missing field reads as null
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
        return longToken(p, t);
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
