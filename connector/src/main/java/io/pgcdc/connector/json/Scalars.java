package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;

/**
 * One JSON token read as the Connect value of a primitive or logical schema, strictly: a token of
 * another JSON type than the schema's is a {@link SchemaMismatchException} (see {@link
 * ValueReader}). Numbers follow Kafka's deserializer.
 */
final class Scalars {
  private Scalars() {}

  static Boolean readBoolean(JsonToken t, Schema schema) {
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    throw mismatch(schema, t);
  }

  static String readString(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw mismatch(schema, t);
    }
    return p.getText();
  }

  /** The int32 of a date or time: an integer token, as Kafka requires. */
  static int intToken(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw mismatch(schema, t);
    }
    return (int) integer(p, t, schema, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /** The int64 of a timestamp: an integer token, as Kafka requires. */
  static long timestampToken(JsonParser p, JsonToken t, Schema schema) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw mismatch(schema, t);
    }
    return integer(p, t, schema, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * An integral value within [min, max]: an integer token, or a number token without a fraction
   * ({@code 5.0}, which Kafka reads as 5 too). A fraction or a value out of range is refused.
   */
  static long integer(JsonParser p, JsonToken t, Schema schema, long min, long max)
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

  static float readFloat(JsonParser p, JsonToken t, Schema schema) throws IOException {
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

  static double readDouble(JsonParser p, JsonToken t, Schema schema) throws IOException {
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

  static BigDecimal readDecimal(JsonParser p, JsonToken t, Schema schema) throws IOException {
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
  static byte[] base64(JsonParser p, JsonToken t, Schema schema) throws IOException {
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

  static SchemaMismatchException mismatch(Schema schema, JsonToken t) {
    return new SchemaMismatchException("", "expected " + type(schema) + ", found " + json(t));
  }

  /** The schema's type as its JSON schema spells it, with the logical name if any. */
  static String type(Schema schema) {
    String type = schema.type().getName();
    return schema.name() == null ? type : type + " (" + schema.name() + ")";
  }

  /** A JSON token's type, in words; never its value. */
  static String json(JsonToken t) {
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
}
