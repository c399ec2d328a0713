package io.pgcdc.connector.sink.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.SemanticNames;
import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.types.PgArray;
import io.pgcdc.decoder.types.PgInterval;
import io.pgcdc.decoder.types.PgSpecial;
import io.pgcdc.decoder.types.PgTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The PostgreSQL text of a Connect value: the value is turned into the decoder's Java form of its
 * PostgreSQL type (LocalDate, LocalTime, OffsetDateTime, PgInterval, BigDecimal, ...) and written
 * by that type's codec ({@link PgTypes#encodeText}), the one place that knows PostgreSQL's text
 * forms (BC dates, years past 9999, 24:00:00, intervals with months, days and time apart). Covers
 * Connect's {@code Decimal}, {@code Date}, {@code Time}, {@code Timestamp}, Debezium's semantic
 * types, and the plain Java values with a text form of their own (booleans, floats, bytes).
 */
final class ConnectValues {
  // pg_type OIDs of the built-in types written here (PostgreSQL's pg_type.dat).
  private static final int BOOL = 16;
  private static final int BYTEA = 17;
  private static final int FLOAT4 = 700;
  private static final int FLOAT8 = 701;
  private static final int DATE = 1082;
  private static final int TIME = 1083;
  private static final int TIMESTAMP = 1114;
  private static final int TIMESTAMPTZ = 1184;
  private static final int INTERVAL = 1186;
  private static final int TIMETZ = 1266;
  private static final int NUMERIC = 1700;
  private static final int TEXT_ARRAY = 1009;

  /** hstore has no fixed OID: the sink registers its codec under a key of its own. */
  private static final int HSTORE = Integer.MAX_VALUE;

  private static final PgTypes TYPES = PgTypes.builtIn().registerHstore(HSTORE);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private ConnectValues() {}

  /**
   * The hstore text of a value for an hstore column: of a map of strings, or of a JSON object (the
   * CDC envelope's Json form of hstore); null for any other value, which is written as it would be
   * for any column (a string in text mode is the hstore text already).
   */
  static String hstoreText(Object value, Schema schema) {
    if (value instanceof Map<?, ?> map) {
      return TYPES.encodeText(HSTORE, map);
    }
    if (value instanceof String s && schema != null && SemanticNames.JSON.equals(schema.name())) {
      try {
        Map<String, String> pairs = new LinkedHashMap<>();
        JsonNode object = JSON.readTree(s);
        if (!object.isObject()) {
          throw new BadRecordException("an hstore value must be a JSON object, got: " + brief(s));
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
          JsonNode v = e.getValue();
          if (!v.isNull() && !v.isTextual()) {
            throw new BadRecordException(
                "an hstore value's pairs must be strings or null, got key '"
                    + e.getKey()
                    + "' with "
                    + v.getNodeType());
          }
          pairs.put(e.getKey(), v.isNull() ? null : v.textValue());
        }
        return TYPES.encodeText(HSTORE, pairs);
      } catch (JsonProcessingException e) {
        throw new BadRecordException("an hstore value is not valid JSON: " + brief(s), e);
      }
    }
    return null;
  }

  /**
   * The array literal of element texts (nulls for NULL) in row-major order, with these dimensions:
   * PostgreSQL's text[] form, which every array type reads with its own element type.
   */
  static String textArray(List<Integer> dimensions, List<Object> elements) {
    if (dimensions.contains(0)) {
      return "{}";
    }
    return TYPES.encodeText(
        TEXT_ARRAY, new PgArray(dimensions, Collections.nCopies(dimensions.size(), 1), elements));
  }

  private static String brief(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }

  /**
   * The text of a value of the logical (semantic) type {@code logical}; null when the name is not
   * one whose values need converting (strings such as Json, Uuid, Enum, Xml are their text).
   */
  static String logicalText(String logical, Object value) {
    return switch (logical) {
      case Decimal.LOGICAL_NAME -> TYPES.encodeText(NUMERIC, value);
      case SemanticNames.VARIABLE_SCALE_DECIMAL ->
          TYPES.encodeText(NUMERIC, variableScale((Struct) value));
      case Date.LOGICAL_NAME -> TYPES.encodeText(DATE, connectDate((java.util.Date) value));
      case Time.LOGICAL_NAME -> TYPES.encodeText(TIME, connectTime((java.util.Date) value));
      case Timestamp.LOGICAL_NAME -> TYPES.encodeText(TIMESTAMPTZ, instant((java.util.Date) value));
      case SemanticNames.DATE ->
          TYPES.encodeText(DATE, LocalDate.ofEpochDay(((Number) value).longValue()));
      case SemanticNames.TIME -> TYPES.encodeText(TIME, timeOfDay(logical, value, 1_000_000L));
      case SemanticNames.MICRO_TIME -> TYPES.encodeText(TIME, timeOfDay(logical, value, 1_000L));
      case SemanticNames.NANO_TIME -> TYPES.encodeText(TIME, timeOfDay(logical, value, 1L));
      case SemanticNames.TIMESTAMP -> TYPES.encodeText(TIMESTAMP, localDateTime(value, 1_000_000L));
      case SemanticNames.MICRO_TIMESTAMP ->
          TYPES.encodeText(TIMESTAMP, localDateTime(value, 1_000L));
      case SemanticNames.NANO_TIMESTAMP -> TYPES.encodeText(TIMESTAMP, localDateTime(value, 1L));
      case SemanticNames.ZONED_TIMESTAMP ->
          TYPES.encodeText(TIMESTAMPTZ, zonedTimestamp((String) value));
      case SemanticNames.ZONED_TIME -> TYPES.encodeText(TIMETZ, zonedTime((String) value));
      case SemanticNames.INTERVAL -> TYPES.encodeText(INTERVAL, isoInterval((String) value));
      case SemanticNames.MICRO_DURATION ->
          TYPES.encodeText(INTERVAL, new PgInterval(0, 0, ((Number) value).longValue()));
      default -> null;
    };
  }

  /**
   * The text of a plain Java value whose PostgreSQL text is not its {@code toString}: booleans,
   * floats ({@code NaN}, {@code Infinity} as PostgreSQL spells them), decimals (never an exponent),
   * bytes (bytea hex), {@code java.util.Date} (a timestamptz); whole numbers as their {@code
   * toString}. Null for anything else.
   */
  static String plainText(Object value) {
    if (value instanceof Boolean) {
      return TYPES.encodeText(BOOL, value);
    }
    if (value instanceof Float) {
      return TYPES.encodeText(FLOAT4, value);
    }
    if (value instanceof Double) {
      return TYPES.encodeText(FLOAT8, value);
    }
    if (value instanceof BigDecimal || value instanceof BigInteger) {
      return TYPES.encodeText(NUMERIC, value);
    }
    if (value instanceof byte[]) {
      return TYPES.encodeText(BYTEA, value);
    }
    if (value instanceof ByteBuffer buffer) {
      return TYPES.encodeText(BYTEA, bytes(buffer));
    }
    if (value instanceof java.util.Date d) {
      return TYPES.encodeText(TIMESTAMPTZ, instant(d));
    }
    return value instanceof Number n ? n.toString() : null;
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  /**
   * Debezium's numeric of any scale: {scale INT32, value BYTES of the unscaled two's complement}.
   */
  private static BigDecimal variableScale(Struct s) {
    Object raw = s.get("value");
    byte[] unscaled = raw instanceof ByteBuffer b ? bytes(b) : (byte[]) raw;
    return new BigDecimal(new BigInteger(unscaled), s.getInt32("scale"));
  }

  /** Connect's Date: midnight UTC of the day, proleptic Gregorian as java.time counts. */
  private static LocalDate connectDate(java.util.Date d) {
    return LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC);
  }

  /** Connect's Time: milliseconds of the day on 1970-01-01; 86400000 is 24:00:00. */
  private static LocalTime connectTime(java.util.Date d) {
    return timeOfDay(Time.LOGICAL_NAME, d.getTime(), 1_000_000L);
  }

  private static OffsetDateTime instant(java.util.Date d) {
    return d.toInstant().atOffset(ZoneOffset.UTC);
  }

  /**
   * A count of units since midnight; the end of the day (86400000000 µs), which PostgreSQL allows
   * as 24:00:00, is LocalTime.MAX, the decoder's form of it.
   */
  private static LocalTime timeOfDay(String logical, Object value, long nanosPerUnit) {
    long units = ((Number) value).longValue();
    long perDay = NANOS_PER_DAY / nanosPerUnit;
    if (units == perDay) {
      return LocalTime.MAX;
    }
    if (units < 0 || units > perDay) {
      throw new BadRecordException(
          "the " + logical + " value " + units + " is not a time of day (0 to " + perDay + ")");
    }
    return LocalTime.ofNanoOfDay(units * nanosPerUnit);
  }

  /** Units since 1970-01-01T00:00, a local date and time (Debezium's timestamp without zone). */
  private static LocalDateTime localDateTime(Object value, long nanosPerUnit) {
    long units = ((Number) value).longValue();
    long unitsPerSecond = 1_000_000_000L / nanosPerUnit;
    long seconds = Math.floorDiv(units, unitsPerSecond);
    long nanos = Math.floorMod(units, unitsPerSecond) * nanosPerUnit;
    return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
  }

  /**
   * ISO 8601 with an offset ({@code 2024-02-29T21:59:59.999999Z}, {@code -0043-03-15T12:00:00Z},
   * {@code +10000-01-01T00:00:00Z}), or PostgreSQL's {@code infinity} / {@code -infinity}.
   */
  private static Object zonedTimestamp(String text) {
    switch (text) {
      case "infinity":
        return PgSpecial.INFINITY;
      case "-infinity":
        return PgSpecial.NEGATIVE_INFINITY;
      default:
        break;
    }
    try {
      return IsoOffsetDateTimes.parse(text);
    } catch (DateTimeParseException e) {
      throw notA(SemanticNames.ZONED_TIMESTAMP, text, "an ISO 8601 date and time with offset", e);
    }
  }

  /**
   * ISO 8601 time with offset, the offset kept ({@code 10:15:30.5+05:30}, {@code
   * 23:00:00-08:00:30}, {@code 10:15:30Z}); {@code 24:00:00} with an offset too, which java.time
   * does not read.
   */
  private static OffsetTime zonedTime(String text) {
    boolean endOfDay = text.startsWith("24:");
    try {
      OffsetTime t =
          OffsetTime.parse(
              endOfDay ? "00" + text.substring(2) : text, DateTimeFormatter.ISO_OFFSET_TIME);
      if (!endOfDay) {
        return t;
      }
      if (t.toLocalTime().equals(LocalTime.MIDNIGHT)) {
        return OffsetTime.of(LocalTime.MAX, t.getOffset());
      }
      throw notA(SemanticNames.ZONED_TIME, text, "a time of day with offset", null);
    } catch (DateTimeParseException e) {
      throw notA(SemanticNames.ZONED_TIME, text, "an ISO 8601 time with offset", e);
    }
  }

  /**
   * ISO 8601 with designators, each part signed on its own ({@code P1Y2M3DT4H5M6.789012S}, {@code
   * P-1M30DT-0.000001S}, {@code PT0S}), read by the decoder's interval codec into months, days and
   * microseconds kept apart.
   */
  private static PgInterval isoInterval(String text) {
    if (!text.startsWith("P")) {
      throw notA(SemanticNames.INTERVAL, text, "an ISO 8601 interval", null);
    }
    try {
      return (PgInterval) TYPES.decodeText(INTERVAL, text);
    } catch (DecodeException e) {
      throw notA(SemanticNames.INTERVAL, text, "an ISO 8601 interval", e);
    }
  }

  private static BadRecordException notA(
      String logical, String text, String expected, Exception cause) {
    String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
    return new BadRecordException(
        "the "
            + logical
            + " value '"
            + shown
            + "' is not "
            + expected
            + " (like "
            + example(logical)
            + ")",
        cause);
  }

  private static String example(String logical) {
    return switch (logical) {
      case SemanticNames.ZONED_TIMESTAMP -> "2024-02-29T21:59:59.999999Z";
      case SemanticNames.ZONED_TIME -> "21:59:59.999999+05:30";
      default -> "P1Y2M3DT4H5M6.789012S";
    };
  }
}
