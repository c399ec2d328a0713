package io.pgcdc.connector.sink.encode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.connector.sink.change.BadRecordException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Renders a Connect value as PostgreSQL input text, the form the server parses with the column
 * type's input function. Strings pass unchanged (our source sends every non-primitive type as its
 * PostgreSQL text); logical types, Debezium's time and decimal types, lists (as array literals or
 * JSON) and maps or structs (as JSON) are converted.
 */
public final class PgText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final JsonFactory JSON = new JsonFactory();

  /** What the target column wants for a list value. */
  public enum Target {
    /** A json or jsonb column: lists and maps become JSON. */
    JSON,
    /** An array column: lists become array literals. */
    ARRAY,
    /** Anything else. */
    OTHER;

    public static Target of(String formatType) {
      if (formatType == null) {
        return OTHER;
      }
      if (formatType.endsWith("[]")) {
        return ARRAY;
      }
      return formatType.equals("json") || formatType.equals("jsonb") ? JSON : OTHER;
    }
  }

  private PgText() {}

  /** The PostgreSQL text of a value; null for SQL NULL. */
  public static String render(Object value, Schema schema, Target target) {
    if (value == null) {
      return null;
    }
    String logical = schema == null ? null : schema.name();
    if (logical != null) {
      String text = renderLogical(logical, value);
      if (text != null) {
        return checkNul(text);
      }
    }
    if (value instanceof String s) {
      return checkNul(s);
    }
    if (value instanceof Boolean b) {
      return b ? "t" : "f";
    }
    if (value instanceof Number n) {
      return number(n);
    }
    if (value instanceof byte[] bytes) {
      return hex(bytes);
    }
    if (value instanceof ByteBuffer buffer) {
      return hex(bytes(buffer));
    }
    if (value instanceof java.util.Date d) {
      return d.toInstant().toString();
    }
    if (value instanceof Collection<?> list) {
      Schema element = schema == null ? null : schema.valueSchema();
      return checkNul(target == Target.ARRAY ? arrayLiteral(list, element) : json(value, schema));
    }
    if (value instanceof Map<?, ?> || value instanceof Struct) {
      return checkNul(json(value, schema));
    }
    throw new BadRecordException(
        "a value of Java type " + value.getClass().getName() + " has no PostgreSQL form");
  }

  private static String renderLogical(String logical, Object value) {
    switch (logical) {
      case Decimal.LOGICAL_NAME:
        return ((BigDecimal) value).toPlainString();
      case Date.LOGICAL_NAME:
        return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
      case Time.LOGICAL_NAME:
        return LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
      case Timestamp.LOGICAL_NAME:
        return ((java.util.Date) value).toInstant().toString();
      case "io.debezium.time.Date":
        return LocalDate.ofEpochDay(((Number) value).longValue()).toString();
      case "io.debezium.time.Timestamp":
        return localDateTime(((Number) value).longValue(), 1_000_000L);
      case "io.debezium.time.MicroTimestamp":
        return localDateTime(((Number) value).longValue(), 1_000L);
      case "io.debezium.time.NanoTimestamp":
        return localDateTime(((Number) value).longValue(), 1L);
      case "io.debezium.time.Time":
        return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L).toString();
      case "io.debezium.time.MicroTime":
        return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L).toString();
      case "io.debezium.time.NanoTime":
        return LocalTime.ofNanoOfDay(((Number) value).longValue()).toString();
      case "io.debezium.data.VariableScaleDecimal":
        if (value instanceof Struct s) {
          Object raw = s.get("value");
          byte[] unscaled = raw instanceof ByteBuffer b ? bytes(b) : (byte[]) raw;
          return new BigDecimal(new BigInteger(unscaled), s.getInt32("scale")).toPlainString();
        }
        return null;
      default:
        return null;
    }
  }

  private static String localDateTime(long value, long nanosPerUnit) {
    long unitsPerSecond = 1_000_000_000L / nanosPerUnit;
    long seconds = Math.floorDiv(value, unitsPerSecond);
    long nanos = Math.floorMod(value, unitsPerSecond) * nanosPerUnit;
    return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC).toString();
  }

  private static String number(Number n) {
    if (n instanceof BigDecimal d) {
      return d.toPlainString();
    }
    // Java spells the special values as PostgreSQL does: NaN, Infinity, -Infinity; and
    // Float/Double.toString give the shortest text that reads back to the same value.
    return n.toString();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  /** bytea hex input: {@code \x0aff}. */
  static String hex(byte[] bytes) {
    char[] out = new char[2 + bytes.length * 2];
    out[0] = '\\';
    out[1] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      out[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[3 + 2 * i] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  private static String checkNul(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new BadRecordException(
          "the value contains a NUL character (\\u0000), which PostgreSQL text cannot hold");
    }
    return s;
  }

  /** A PostgreSQL array literal; every element double-quoted, nested lists nested. */
  static String arrayLiteral(Collection<?> list, Schema elementSchema) {
    StringBuilder sb = new StringBuilder();
    appendArray(sb, list, elementSchema);
    return sb.toString();
  }

  private static void appendArray(StringBuilder sb, Collection<?> list, Schema elementSchema) {
    sb.append('{');
    boolean first = true;
    for (Object element : list) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      if (element == null) {
        sb.append("NULL");
      } else if (element instanceof Collection<?> inner) {
        appendArray(sb, inner, elementSchema == null ? null : elementSchema.valueSchema());
      } else {
        String text = render(element, elementSchema, Target.OTHER);
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (c == '"' || c == '\\') {
            sb.append('\\');
          }
          sb.append(c);
        }
        sb.append('"');
      }
    }
    sb.append('}');
  }

  /**
   * JSON text of a map, struct, list or scalar (bytes as base64, as Kafka's JsonConverter), written
   * by Jackson; numbers and dates in the same text as {@link #render} gives them.
   */
  static String json(Object value, Schema schema) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeJson(g, value, schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void writeJson(JsonGenerator g, Object value, Schema schema) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Struct struct) {
      g.writeStartObject();
      for (Field field : struct.schema().fields()) {
        g.writeFieldName(field.name());
        writeJson(g, struct.get(field), field.schema());
      }
      g.writeEndObject();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeJson(g, e.getValue(), schema == null ? null : schema.valueSchema());
      }
      g.writeEndObject();
    } else if (value instanceof Collection<?> list) {
      g.writeStartArray();
      for (Object element : list) {
        writeJson(g, element, schema == null ? null : schema.valueSchema());
      }
      g.writeEndArray();
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Number n) {
      if ((n instanceof Double d && (d.isNaN() || d.isInfinite()))
          || (n instanceof Float f && (f.isNaN() || f.isInfinite()))) {
        throw new BadRecordException("JSON cannot hold the number " + n);
      }
      g.writeNumber(number(n));
    } else if (value instanceof byte[] bytes) {
      g.writeString(Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof ByteBuffer buffer) {
      g.writeString(Base64.getEncoder().encodeToString(bytes(buffer)));
    } else if (value instanceof java.util.Date d) {
      g.writeString(render(d, schema, Target.OTHER));
    } else {
      g.writeString(value.toString()); // Instant and anything else: its text
    }
  }
}
