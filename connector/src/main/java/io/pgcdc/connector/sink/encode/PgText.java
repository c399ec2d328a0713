package io.pgcdc.connector.sink.encode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.ExactText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Renders a Connect value as PostgreSQL input text, the form the server parses with the column
 * type's input function. Strings pass unchanged; a value the producer sent as its exact text
 * ({@link ExactText}) passes as that text; Connect's logical types, Debezium's semantic types and
 * Java values with a text form of their own are written by the decoder's codecs ({@link
 * ConnectValues}); lists become array literals or JSON, maps and structs JSON.
 */
public final class PgText {
  private static final JsonFactory JSON = new JsonFactory();

  /** What the target column wants for a list value. */
  public enum Target {
    /** A json or jsonb column: lists and maps become JSON. */
    JSON,
    /** An array column: lists become array literals. */
    ARRAY,
    /** An hstore column: maps and JSON objects become hstore literals. */
    HSTORE,
    /** Anything else. */
    OTHER;

    public static Target of(String formatType) {
      if (formatType == null) {
        return OTHER;
      }
      if (formatType.endsWith("[]")) {
        return ARRAY;
      }
      if (formatType.equals("hstore") || formatType.endsWith(".hstore")) {
        return HSTORE;
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
    if (value instanceof ExactText exact) {
      return checkNul(exact.text());
    }
    if (target == Target.HSTORE) {
      String hstore = ConnectValues.hstoreText(value, schema);
      if (hstore != null) {
        return checkNul(hstore);
      }
    }
    String logical = schema == null ? null : schema.name();
    if (logical != null) {
      String text = ConnectValues.logicalText(logical, value);
      if (text != null) {
        return checkNul(text);
      }
    }
    if (value instanceof String s) {
      return checkNul(s);
    }
    String plain = ConnectValues.plainText(value);
    if (plain != null) {
      return plain;
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

  private static String checkNul(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new BadRecordException(
          "the value contains a NUL character (\\u0000), which PostgreSQL text cannot hold");
    }
    return s;
  }

  /**
   * A PostgreSQL array literal of a list (nested lists are the inner dimensions, which must be
   * rectangular), each element rendered by its schema and the literal written by the decoder's
   * array codec.
   */
  static String arrayLiteral(Collection<?> list, Schema elementSchema) {
    List<Integer> dimensions = new ArrayList<>();
    List<Object> elements = new ArrayList<>();
    flatten(list, elementSchema, 0, dimensions, elements);
    return ConnectValues.textArray(dimensions, elements);
  }

  /** Adds the rendered elements of {@code list}, at nesting {@code depth}, in row-major order. */
  private static void flatten(
      Collection<?> list,
      Schema elementSchema,
      int depth,
      List<Integer> dimensions,
      List<Object> elements) {
    if (dimensions.size() == depth) {
      dimensions.add(list.size());
    } else if (dimensions.get(depth) != list.size()) {
      throw new BadRecordException(
          "an array's sub-arrays differ in length ("
              + dimensions.get(depth)
              + " and "
              + list.size()
              + " elements at depth "
              + (depth + 1)
              + "): PostgreSQL arrays are rectangular");
    }
    for (Object element : list) {
      if (element instanceof Collection<?> inner) {
        flatten(
            inner,
            elementSchema == null ? null : elementSchema.valueSchema(),
            depth + 1,
            dimensions,
            elements);
      } else if (depth + 1 < dimensions.size()) {
        throw new BadRecordException(
            "an array mixes elements and sub-arrays at depth " + (depth + 1));
      } else {
        elements.add(element == null ? null : render(element, elementSchema, Target.OTHER));
      }
    }
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
      g.writeNumber(ConnectValues.plainText(n));
    } else if (value instanceof byte[] bytes) {
      g.writeString(Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof ByteBuffer buffer) {
      g.writeString(Base64.getEncoder().encodeToString(ConnectValues.bytes(buffer)));
    } else if (value instanceof java.util.Date d) {
      g.writeString(render(d, schema, Target.OTHER));
    } else {
      g.writeString(value.toString()); // Instant and anything else: its text
    }
  }
}
