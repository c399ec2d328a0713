package io.pgcdc.connector.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Seeded random Connect schemas and values: every primitive and logical type, nested structs,
 * arrays, maps with string and other keys, optional fields, defaults, awkward strings (quotes,
 * backslashes, control characters, non-ASCII, surrogate pairs) in values and field names, NaN and
 * infinities, large and negative decimals. Occasionally a value that does not fit its schema (a
 * null for a required field), to compare errors too.
 */
final class RandomConnectData {
  private static final String[] PIECES = {
    "a",
    "Z",
    "9",
    "_",
    " ",
    "\"",
    "\\",
    "/",
    "\n",
    "\t",
    "\r",
    "\b",
    "\f",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "é",
    "ß",
    "中文",
    "\u2028",
    "\uD83D\uDE00",
    "'",
    "<",
    "&",
    "{}",
    "[",
    ":"
  };

  private enum Kind {
    INT8,
    INT16,
    INT32,
    INT64,
    FLOAT32,
    FLOAT64,
    BOOLEAN,
    STRING,
    BYTES,
    DECIMAL,
    DATE,
    TIME,
    TIMESTAMP,
    ARRAY,
    STRING_MAP,
    OTHER_MAP,
    STRUCT
  }

  private final Random random;

  RandomConnectData(long seed) {
    random = new Random(seed);
  }

  Random random() {
    return random;
  }

  String string() {
    int n = random.nextInt(8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  Schema schema(int depth) {
    Kind[] kinds = Kind.values();
    Kind kind = kinds[random.nextInt(depth >= 3 ? Kind.ARRAY.ordinal() : kinds.length)];
    SchemaBuilder b = builder(kind, depth);
    boolean logical =
        kind.ordinal() >= Kind.DECIMAL.ordinal() && kind.ordinal() <= Kind.TIMESTAMP.ordinal();
    if (random.nextInt(10) < 4) {
      b.optional();
    }
    if (!logical && kind != Kind.STRUCT && random.nextInt(8) == 0) {
      b.name("io.pgcdc.test." + kind.name().toLowerCase() + random.nextInt(3));
    }
    if (random.nextInt(10) == 0) {
      b.doc(string());
    }
    if (!logical && random.nextInt(12) == 0) {
      b.version(random.nextInt(5));
    }
    if (random.nextInt(12) == 0) {
      b.parameter("p" + random.nextInt(3), string());
    }
    if (kind.ordinal() < Kind.ARRAY.ordinal() && random.nextInt(4) == 0) {
      b.defaultValue(value(b.build(), false));
    }
    return b.build();
  }

  private SchemaBuilder builder(Kind kind, int depth) {
    switch (kind) {
      case INT8:
        return SchemaBuilder.int8();
      case INT16:
        return SchemaBuilder.int16();
      case INT32:
        return SchemaBuilder.int32();
      case INT64:
        return SchemaBuilder.int64();
      case FLOAT32:
        return SchemaBuilder.float32();
      case FLOAT64:
        return SchemaBuilder.float64();
      case BOOLEAN:
        return SchemaBuilder.bool();
      case STRING:
        return SchemaBuilder.string();
      case BYTES:
        return SchemaBuilder.bytes();
      case DECIMAL:
        return Decimal.builder(random.nextInt(8));
      case DATE:
        return Date.builder();
      case TIME:
        return Time.builder();
      case TIMESTAMP:
        return Timestamp.builder();
      case ARRAY:
        return SchemaBuilder.array(schema(depth + 1));
      case STRING_MAP:
        return SchemaBuilder.map(Schema.STRING_SCHEMA, schema(depth + 1));
      case OTHER_MAP:
        return SchemaBuilder.map(schema(3), schema(depth + 1));
      case STRUCT:
        {
          SchemaBuilder b = SchemaBuilder.struct();
          if (random.nextBoolean()) {
            b.name("io.pgcdc.test.Struct" + random.nextInt(1000));
          }
          Set<String> names = new HashSet<>();
          int n = 1 + random.nextInt(6);
          for (int i = 0; i < n; i++) {
            String name = random.nextInt(3) == 0 ? string() : "";
            name = name.isEmpty() ? "f" + i : name; // Connect refuses empty names
            if (names.add(name)) {
              b.field(name, schema(depth + 1));
            }
          }
          return b;
        }
      default:
        throw new AssertionError(kind);
    }
  }

  /** A value for {@code schema}; with {@code nulls}, sometimes null (even where not allowed). */
  Object value(Schema schema, boolean nulls) {
    if (nulls) {
      int dice = random.nextInt(100);
      if ((schema.isOptional() || schema.defaultValue() != null) && dice < 15) {
        return null;
      }
      if (dice == 99) {
        return null; // required, no default: both converters must refuse it the same way
      }
    }
    String name = schema.name();
    if (Decimal.LOGICAL_NAME.equals(name)) {
      int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
      BigInteger unscaled =
          new BigInteger(1 + random.nextInt(random.nextBoolean() ? 20 : 120), random);
      return new BigDecimal(random.nextBoolean() ? unscaled.negate() : unscaled, scale);
    }
    if (Date.LOGICAL_NAME.equals(name)) {
      return new java.util.Date((random.nextInt(80_000) - 40_000) * 86_400_000L);
    }
    if (Time.LOGICAL_NAME.equals(name)) {
      return new java.util.Date(random.nextInt(86_400_000));
    }
    if (Timestamp.LOGICAL_NAME.equals(name)) {
      return new java.util.Date(random.nextLong() % 10_000_000_000_000L);
    }
    switch (schema.type()) {
      case INT8:
        return (byte) random.nextInt();
      case INT16:
        return (short) random.nextInt();
      case INT32:
        return random.nextBoolean() ? random.nextInt() : random.nextInt(200) - 100;
      case INT64:
        return random.nextBoolean() ? random.nextLong() : (long) random.nextInt(200) - 100;
      case FLOAT32:
        {
          float[] special = {
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            -0.0f,
            Float.MIN_VALUE,
            Float.MAX_VALUE,
            0.1f,
            1e10f
          };
          return random.nextInt(4) == 0
              ? special[random.nextInt(special.length)]
              : (random.nextFloat() - 0.5f) * (float) Math.pow(10, random.nextInt(20) - 10);
        }
      case FLOAT64:
        {
          double[] special = {
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -0.0,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            0.1,
            1e300,
            123456789.125
          };
          return random.nextInt(4) == 0
              ? special[random.nextInt(special.length)]
              : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
        }
      case BOOLEAN:
        return random.nextBoolean();
      case STRING:
        return string();
      case BYTES:
        {
          byte[] bytes = new byte[random.nextInt(12)];
          random.nextBytes(bytes);
          return random.nextInt(4) == 0 ? ByteBuffer.wrap(bytes) : bytes;
        }
      case ARRAY:
        {
          List<Object> list = new ArrayList<>();
          int n = random.nextInt(4);
          for (int i = 0; i < n; i++) {
            list.add(value(schema.valueSchema(), true));
          }
          return list;
        }
      case MAP:
        {
          Map<Object, Object> map = new LinkedHashMap<>();
          int n = random.nextInt(4);
          for (int i = 0; i < n; i++) {
            map.put(value(schema.keySchema(), false), value(schema.valueSchema(), true));
          }
          return map;
        }
      case STRUCT:
        {
          Struct struct = new Struct(schema);
          for (Field field : schema.fields()) {
            Object v = value(field.schema(), true);
            try {
              struct.put(field, v);
            } catch (DataException e) {
              // A null where Struct refuses one: leave the field unset, which the converters
              // then see as null (or its default), and must refuse or replace alike.
            }
          }
          return struct;
        }
      default:
        throw new AssertionError(schema.type());
    }
  }

  /** A value without a schema, as a sink sees records from schemaless JSON. */
  Object schemaless(int depth) {
    int kind = random.nextInt(depth >= 3 ? 10 : 13);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return random.nextLong();
      case 2:
        return random.nextInt();
      case 3:
        return (short) random.nextInt();
      case 4:
        return (byte) random.nextInt();
      case 5:
        return random.nextBoolean() ? random.nextDouble() * 1e6 : Double.NaN;
      case 6:
        return random.nextFloat();
      case 7:
        return random.nextBoolean();
      case 8:
        return string();
      case 9:
        {
          byte[] bytes = new byte[random.nextInt(6)];
          random.nextBytes(bytes);
          return bytes;
        }
      case 10:
        {
          List<Object> list = new ArrayList<>();
          int n = random.nextInt(4);
          for (int i = 0; i < n; i++) {
            list.add(schemaless(depth + 1));
          }
          return list;
        }
      default:
        {
          Map<Object, Object> map = new LinkedHashMap<>();
          boolean stringKeys = kind == 11;
          int n = random.nextInt(4);
          for (int i = 0; i < n; i++) {
            Object key = stringKeys ? string() : (Object) (long) random.nextInt(100);
            map.put(key, schemaless(depth + 1));
          }
          return map;
        }
    }
  }
}
