package io.pgcdc.connector.source;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;

/**
 * How a column's PostgreSQL text form becomes a Connect value: the handful of types with an exact
 * Connect counterpart are parsed; every other type travels as the text PostgreSQL printed, which
 * PostgreSQL accepts back as input for the same type (the sink casts it), so nothing is lost.
 *
 * <p>{@code real} and {@code double precision} are text too: Kafka's JSON converter turns NaN and
 * Infinity into 0.0, and PostgreSQL prints floats in their shortest exact form anyway.
 */
enum ColumnKind {
  BOOLEAN(Schema.Type.BOOLEAN),
  INT16(Schema.Type.INT16),
  INT32(Schema.Type.INT32),
  INT64(Schema.Type.INT64),
  BYTES(Schema.Type.BYTES),
  TEXT(Schema.Type.STRING);

  /** Schema parameter holding the column's type as PostgreSQL's format_type() prints it. */
  static final String PG_TYPE_PARAMETER = "pgcdc.type";

  private final Schema.Type connectType;

  ColumnKind(Schema.Type connectType) {
    this.connectType = connectType;
  }

  static ColumnKind forOid(int typeOid) {
    return switch (typeOid) {
      case 16 -> BOOLEAN;
      case 21 -> INT16;
      case 23 -> INT32;
      case 20 -> INT64;
      case 17 -> BYTES;
      default -> TEXT;
    };
  }

  Schema schema(String pgType, boolean optional) {
    SchemaBuilder b = new SchemaBuilder(connectType).parameter(PG_TYPE_PARAMETER, pgType);
    return optional ? b.optional().build() : b.build();
  }

  /** Converts the text form, {@code len} UTF-8 bytes of {@code buf} from {@code off}. */
  Object fromText(byte[] buf, int off, int len) {
    return switch (this) {
      case BOOLEAN -> bool(buf, off, len);
      case INT16 -> (short) parseLong(buf, off, len, Short.MIN_VALUE, Short.MAX_VALUE);
      case INT32 -> (int) parseLong(buf, off, len, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64 -> parseLong(buf, off, len, Long.MIN_VALUE, Long.MAX_VALUE);
      case BYTES -> byteaHex(buf, off, len);
      case TEXT -> new String(buf, off, len, StandardCharsets.UTF_8);
    };
  }

  /** Converts the text form as a string, as pgoutput hands it over. */
  Object fromString(String text) {
    if (this == TEXT) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return fromText(bytes, 0, bytes.length);
  }

  private static Boolean bool(byte[] buf, int off, int len) {
    if (len == 1 && buf[off] == 't') {
      return Boolean.TRUE;
    }
    if (len == 1 && buf[off] == 'f') {
      return Boolean.FALSE;
    }
    throw bad("boolean", buf, off, len, "t or f");
  }

  private static long parseLong(byte[] buf, int off, int len, long min, long max) {
    int i = off;
    int end = off + len;
    boolean negative = len > 0 && buf[off] == '-';
    if (negative) {
      i++;
    }
    if (i == end || end - i > 19) {
      throw bad("integer", buf, off, len, "decimal digits");
    }
    long v = 0;
    for (; i < end; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        throw bad("integer", buf, off, len, "decimal digits");
      }
      // Accumulate negatively so that Long.MIN_VALUE fits.
      if (v < (Long.MIN_VALUE + d) / 10) {
        throw bad("integer", buf, off, len, "a value in range");
      }
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == Long.MIN_VALUE) {
        throw bad("integer", buf, off, len, "a value in range");
      }
      v = -v;
    }
    if (v < min || v > max) {
      throw bad("integer", buf, off, len, "a value from " + min + " to " + max);
    }
    return v;
  }

  /** bytea's text form with bytea_output = hex (the default, and what we set): \x0a1b. */
  private static byte[] byteaHex(byte[] buf, int off, int len) {
    if (len < 2 || buf[off] != '\\' || buf[off + 1] != 'x' || (len & 1) != 0) {
      throw bad("bytea", buf, off, len, "hex format \\x... (bytea_output = hex)");
    }
    byte[] out = new byte[(len - 2) / 2];
    for (int i = 0, p = off + 2; i < out.length; i++, p += 2) {
      int hi = Character.digit(buf[p], 16);
      int lo = Character.digit(buf[p + 1], 16);
      if (hi < 0 || lo < 0) {
        throw bad("bytea", buf, off, len, "hex digits");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static DataException bad(String type, byte[] buf, int off, int len, String expected) {
    String shown = new String(buf, off, Math.min(len, 64), StandardCharsets.UTF_8);
    return new DataException(
        type + " value: expected " + expected + ", got '" + shown + (len > 64 ? "...'" : "'"));
  }
}
