package io.pgcdc.connector.statement;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.encode.PgText;
import io.pgcdc.connector.statement.RecordFields.Bound;
import io.pgcdc.connector.types.ExactText;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import org.apache.kafka.connect.data.Schema;

/**
 * How a record's value is bound to a placeholder. A value whose field declares its PostgreSQL type
 * ({@code pgcdc.type}, or Debezium's propagated source type) is bound as its PostgreSQL text
 * ({@link PgText}, the upsert sink's rendering) with a cast to that type in the SQL; any other by
 * its Connect type (int64 as bigint, Decimal as numeric, Timestamp as timestamptz, ...); strings,
 * structs, maps and arrays as text of no declared type (JSON for the last three), which PostgreSQL
 * reads as the type the statement needs at that place. Values are always bound, never put into the
 * SQL text.
 */
final class Binding {
  /** The argument of a SQL NULL. */
  static final Object NULL = new Object();

  private Binding() {}

  /** The cast for {@code b} in the SQL; null for none. */
  static String cast(Bound b, Parameter p) {
    String type = b.pgType();
    if (type == null) {
      return null;
    }
    if (!Template.isTypeName(type)) {
      throw new BadRecordException(
          "the field of parameter :"
              + p.name()
              + " declares the PostgreSQL type '"
              + (type.length() > 80 ? type.substring(0, 77) + "..." : type)
              + "', which is not a type name");
    }
    return type;
  }

  /** The Java value to bind for {@code b}: {@link #NULL}, a String, a number, a date... */
  static Object argument(Bound b) {
    Object v = b.value();
    if (v == null) {
      return NULL;
    }
    Schema schema = b.schema();
    if (b.pgType() != null || v instanceof ExactText) {
      return PgText.render(v, schema, PgText.Target.of(b.pgType()));
    }
    String logical = schema == null ? null : schema.name();
    if (logical != null) {
      switch (logical) {
        case org.apache.kafka.connect.data.Decimal.LOGICAL_NAME:
          return v;
        case org.apache.kafka.connect.data.Date.LOGICAL_NAME:
          return LocalDate.ofEpochDay(Math.floorDiv(((Date) v).getTime(), 86_400_000L));
        case org.apache.kafka.connect.data.Time.LOGICAL_NAME:
          return LocalTime.ofNanoOfDay(
              Math.floorMod(((Date) v).getTime(), 86_400_000L) * 1_000_000L);
        case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME:
          return OffsetDateTime.ofInstant(((Date) v).toInstant(), ZoneOffset.UTC);
        default:
          return PgText.render(v, schema, PgText.Target.OTHER);
      }
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof byte[] || v instanceof ByteBuffer) {
      return v instanceof ByteBuffer buf ? bytes(buf) : v;
    }
    return PgText.render(v, schema, PgText.Target.OTHER);
  }

  /** Binds an {@link #argument} to placeholder {@code index} (from 1). */
  static void bind(PreparedStatement ps, int index, Object arg) throws SQLException {
    if (arg == NULL) {
      ps.setNull(index, Types.OTHER);
    } else if (arg instanceof String s) {
      ps.setString(index, s);
    } else if (arg instanceof Long l) {
      ps.setLong(index, l);
    } else if (arg instanceof Integer i) {
      ps.setInt(index, i);
    } else if (arg instanceof Short s) {
      ps.setShort(index, s);
    } else if (arg instanceof Byte b) {
      ps.setShort(index, b);
    } else if (arg instanceof Double d) {
      ps.setDouble(index, d);
    } else if (arg instanceof Float f) {
      ps.setFloat(index, f);
    } else if (arg instanceof Boolean b) {
      ps.setBoolean(index, b);
    } else if (arg instanceof BigDecimal d) {
      ps.setBigDecimal(index, d);
    } else if (arg instanceof byte[] b) {
      ps.setBytes(index, b);
    } else {
      ps.setObject(index, arg); // LocalDate, LocalTime, OffsetDateTime
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
