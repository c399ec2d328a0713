package io.pgcdc.connector.types;

import static io.pgcdc.connector.types.SemanticNames.DATE;
import static io.pgcdc.connector.types.SemanticNames.ENUM;
import static io.pgcdc.connector.types.SemanticNames.ENUM_ALLOWED;
import static io.pgcdc.connector.types.SemanticNames.INTERVAL;
import static io.pgcdc.connector.types.SemanticNames.JSON;
import static io.pgcdc.connector.types.SemanticNames.MICRO_DURATION;
import static io.pgcdc.connector.types.SemanticNames.MICRO_TIME;
import static io.pgcdc.connector.types.SemanticNames.MICRO_TIMESTAMP;
import static io.pgcdc.connector.types.SemanticNames.TIME;
import static io.pgcdc.connector.types.SemanticNames.TIMESTAMP;
import static io.pgcdc.connector.types.SemanticNames.UUID;
import static io.pgcdc.connector.types.SemanticNames.VARIABLE_SCALE_DECIMAL;
import static io.pgcdc.connector.types.SemanticNames.XML;
import static io.pgcdc.connector.types.SemanticNames.ZONED_TIME;
import static io.pgcdc.connector.types.SemanticNames.ZONED_TIMESTAMP;

import io.pgcdc.connector.types.ColumnType.Form;
import io.pgcdc.connector.types.ValueOptions.BinaryMode;
import io.pgcdc.connector.types.ValueOptions.DecimalMode;
import io.pgcdc.connector.types.ValueOptions.IntervalMode;
import io.pgcdc.connector.types.ValueOptions.TimePrecision;
import io.pgcdc.decoder.types.PgInterval;
import io.pgcdc.decoder.types.PgSpecial;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The typed forms of PostgreSQL's built-in types: Connect's own logical types where they hold the
 * value exactly, else the semantic names of the widely deployed CDC envelope (so that its
 * consumers, transforms and sinks read them unchanged). docs/type-mapping.md has the table; every
 * conversion returns {@link ColumnType#UNHOLDABLE} for a value its form cannot hold exactly.
 */
final class TypedForms {
  static final String PRECISION_PARAMETER = "connect.decimal.precision";

  private static final com.fasterxml.jackson.core.JsonFactory JSON_FACTORY =
      new com.fasterxml.jackson.core.JsonFactory();
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final Pattern PRECISION = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");

  private TypedForms() {}

  /**
   * The form of a built-in type in typed mode; {@code format} is its format_type() text, which
   * gives the precision of numeric, time and timestamp types. Types without a typed form are their
   * text, as a string.
   */
  static Form builtIn(int oid, String format, ValueOptions o) {
    return switch (oid) {
      case 16 -> Form.parsed(SchemaBuilder::bool, (v, s) -> v);
      case 21 -> Form.parsed(SchemaBuilder::int16, (v, s) -> v);
      case 23 -> Form.parsed(SchemaBuilder::int32, (v, s) -> v);
      case 20, 26 -> Form.parsed(SchemaBuilder::int64, (v, s) -> v);
      case 700 -> Form.parsed(SchemaBuilder::float32, (v, s) -> v);
      case 701 -> Form.parsed(SchemaBuilder::float64, (v, s) -> v);
      case 1700 -> numeric(format, o.decimals());
      case 790 -> Form.parsed(() -> Decimal.builder(2), (v, s) -> v).keepingUnreadableText();
      case 17 -> bytea(o.binary());
      case 2950 -> named(UUID);
      case 114, 3802 -> named(JSON);
      case 142 -> named(XML);
      case 1082 -> date(o.times());
      case 1083 -> time(precision(format), o.times());
      case 1266 ->
          Form.parsed(() -> semantic(SchemaBuilder.string(), ZONED_TIME), TypedForms::zonedTime);
      case 1114 -> timestamp(precision(format), o.times());
      case 1184 ->
          Form.parsed(
                  () -> semantic(SchemaBuilder.string(), ZONED_TIMESTAMP),
                  TypedForms::zonedTimestamp)
              .withShortcut(TypedForms::isoFromUtcText);
      case 1186 -> interval(o.intervals());
      default -> Form.text(SchemaBuilder::string);
    };
  }

  /** hstore: a JSON object of its pairs (the CDC envelope's Json), or a Connect map. */
  static Form hstore(ValueOptions.HstoreMode mode) {
    if (mode == ValueOptions.HstoreMode.MAP) {
      return Form.parsed(
          () -> SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA),
          (v, s) -> v);
    }
    return Form.parsed(() -> semantic(SchemaBuilder.string(), JSON), TypedForms::jsonObject);
  }

  private static Object jsonObject(Object v, Schema schema) {
    java.io.StringWriter out = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeStringField((String) e.getKey(), (String) e.getValue());
      }
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** An enum: its label, as a string named as the CDC envelope names enums. */
  static Form enumeration(List<String> labels) {
    return Form.text(
        () ->
            semantic(SchemaBuilder.string(), ENUM)
                .parameter(ENUM_ALLOWED, String.join(",", labels)));
  }

  private static Form named(String name) {
    return Form.text(() -> semantic(SchemaBuilder.string(), name));
  }

  private static SchemaBuilder semantic(SchemaBuilder b, String name) {
    return b.name(name).version(1);
  }

  // ---- numbers ------------------------------------------------------------------------------

  private static Form numeric(String format, DecimalMode mode) {
    return switch (mode) {
      case STRING -> Form.text(SchemaBuilder::string);
      case DOUBLE -> Form.parsed(SchemaBuilder::float64, TypedForms::asDouble);
      case PRECISE -> {
        Matcher m = PRECISION.matcher(format);
        if (m.find() && m.group(2) != null) {
          int precision = Integer.parseInt(m.group(1));
          int scale = Integer.parseInt(m.group(2));
          yield Form.parsed(
              () ->
                  Decimal.builder(scale)
                      .parameter(PRECISION_PARAMETER, Integer.toString(precision)),
              (v, s) -> fixedScale(v, scale));
        }
        yield Form.parsed(TypedForms::variableScaleDecimal, TypedForms::variableScale);
      }
    };
  }

  private static SchemaBuilder variableScaleDecimal() {
    return SchemaBuilder.struct()
        .name(VARIABLE_SCALE_DECIMAL)
        .version(1)
        .doc("Variable scaled decimal")
        .field("scale", Schema.INT32_SCHEMA)
        .field("value", Schema.BYTES_SCHEMA);
  }

  private static Object fixedScale(Object v, int scale) {
    if (!(v instanceof BigDecimal d)) {
      return ColumnType.UNHOLDABLE; // NaN, Infinity
    }
    try {
      return d.setScale(scale);
    } catch (ArithmeticException e) {
      return ColumnType.UNHOLDABLE;
    }
  }

  private static Object variableScale(Object v, Schema schema) {
    if (!(v instanceof BigDecimal d)) {
      return ColumnType.UNHOLDABLE;
    }
    return new Struct(schema).put("scale", d.scale()).put("value", d.unscaledValue().toByteArray());
  }

  private static Object asDouble(Object v, Schema schema) {
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    return switch ((PgSpecial) v) {
      case NAN -> Double.NaN;
      case INFINITY -> Double.POSITIVE_INFINITY;
      case NEGATIVE_INFINITY -> Double.NEGATIVE_INFINITY;
    };
  }

  private static Form bytea(BinaryMode mode) {
    return switch (mode) {
      case BYTES -> Form.parsed(SchemaBuilder::bytes, (v, s) -> v);
      case BASE64 ->
          Form.parsed(
              SchemaBuilder::string, (v, s) -> Base64.getEncoder().encodeToString((byte[]) v));
      case BASE64_URL_SAFE ->
          Form.parsed(
              SchemaBuilder::string, (v, s) -> Base64.getUrlEncoder().encodeToString((byte[]) v));
      case HEX ->
          Form.parsed(SchemaBuilder::string, (v, s) -> HexFormat.of().formatHex((byte[]) v));
    };
  }

  // ---- dates and times ----------------------------------------------------------------------

  /** The precision in a format_type() text such as {@code time(3) without time zone}; else 6. */
  static int precision(String format) {
    Matcher m = PRECISION.matcher(format);
    return m.find() ? Integer.parseInt(m.group(1)) : 6;
  }

  private static Form date(TimePrecision mode) {
    if (mode == TimePrecision.CONNECT) {
      return Form.parsed(
          Date::builder,
          (v, s) ->
              v instanceof LocalDate d
                  ? new java.util.Date(Math.multiplyExact(d.toEpochDay(), 86_400_000L))
                  : ColumnType.UNHOLDABLE);
    }
    return Form.parsed(() -> semantic(SchemaBuilder.int32(), DATE), TypedForms::epochDay);
  }

  private static Object epochDay(Object v, Schema schema) {
    if (!(v instanceof LocalDate d)) {
      return ColumnType.UNHOLDABLE; // infinity
    }
    long day = d.toEpochDay();
    return day == (int) day ? (Object) (int) day : ColumnType.UNHOLDABLE;
  }

  private static Form time(int precision, TimePrecision mode) {
    if (mode == TimePrecision.CONNECT) {
      return Form.parsed(
          Time::builder,
          (v, s) -> {
            long micros = microsOfDay((LocalTime) v);
            return micros % 1000 == 0 ? new java.util.Date(micros / 1000) : ColumnType.UNHOLDABLE;
          });
    }
    if (precision <= 3 && mode == TimePrecision.ADAPTIVE) {
      return Form.parsed(
          () -> semantic(SchemaBuilder.int32(), TIME),
          (v, s) -> (int) (microsOfDay((LocalTime) v) / 1000));
    }
    return Form.parsed(
        () -> semantic(SchemaBuilder.int64(), MICRO_TIME), (v, s) -> microsOfDay((LocalTime) v));
  }

  /** Micro-seconds of the day; the decoder reads 24:00:00 as LocalTime.MAX. */
  private static long microsOfDay(LocalTime t) {
    return t.equals(LocalTime.MAX) ? MICROS_PER_DAY : t.toNanoOfDay() / 1000;
  }

  private static Object zonedTime(Object v, Schema schema) {
    OffsetTime t = (OffsetTime) v;
    if (t.toLocalTime().equals(LocalTime.MAX)) {
      return "24:00:00" + offset(t.getOffset());
    }
    return DateTimeFormatter.ISO_LOCAL_TIME.format(t.toLocalTime()) + offset(t.getOffset());
  }

  /** The offset as {@code +hh:mm[:ss]}, also for UTC (ISO's {@code Z} would hide the offset). */
  private static String offset(ZoneOffset offset) {
    return offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId();
  }

  private static Form timestamp(int precision, TimePrecision mode) {
    if (mode == TimePrecision.CONNECT) {
      return Form.parsed(
          Timestamp::builder,
          (v, s) -> {
            Object micros = epochMicros(v);
            if (micros == ColumnType.UNHOLDABLE || (long) micros % 1000 != 0) {
              return ColumnType.UNHOLDABLE;
            }
            return new java.util.Date(Math.floorDiv((long) micros, 1000));
          });
    }
    if (precision <= 3) {
      return Form.parsed(
          () -> semantic(SchemaBuilder.int64(), TIMESTAMP),
          (v, s) -> {
            Object micros = epochMicros(v);
            return micros == ColumnType.UNHOLDABLE
                ? micros
                : (Object) Math.floorDiv((long) micros, 1000);
          });
    }
    return Form.parsed(
        () -> semantic(SchemaBuilder.int64(), MICRO_TIMESTAMP), (v, s) -> epochMicros(v));
  }

  /** Micro-seconds since 1970-01-01 00:00 of a timestamp taken as UTC. */
  private static Object epochMicros(Object v) {
    if (!(v instanceof LocalDateTime t)) {
      return ColumnType.UNHOLDABLE; // infinity
    }
    try {
      return Math.addExact(
          Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      return ColumnType.UNHOLDABLE;
    }
  }

  static Object zonedTimestamp(Object v, Schema schema) {
    if (!(v instanceof OffsetDateTime t)) {
      return ColumnType.UNHOLDABLE; // infinity
    }
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /**
   * The ISO form of a timestamptz as PostgreSQL prints it in UTC with DateStyle ISO, for its common
   * shape {@code YYYY-MM-DD HH:MM:SS[.ffffff]+00} (a four-digit year AD): the same text as {@link
   * #zonedTimestamp} gives, without parsing it; null for any other shape.
   */
  static String isoFromUtcText(String t) {
    int n = t.length();
    if (n < 22 || n > 29 || !t.endsWith("+00") || t.charAt(10) != ' ') {
      return null;
    }
    for (int i = 0; i < 19; i++) {
      char c = t.charAt(i);
      boolean ok =
          switch (i) {
            case 4, 7 -> c == '-';
            case 10 -> true;
            case 13, 16 -> c == ':';
            default -> c >= '0' && c <= '9';
          };
      if (!ok) {
        return null;
      }
    }
    if (n > 22) {
      if (t.charAt(19) != '.' || n == 23) {
        return null;
      }
      for (int i = 20; i < n - 3; i++) {
        if (t.charAt(i) < '0' || t.charAt(i) > '9') {
          return null;
        }
      }
    }
    return new StringBuilder(n)
        .append(t, 0, 10)
        .append('T')
        .append(t, 11, n - 3)
        .append('Z')
        .toString();
  }

  // ---- intervals ----------------------------------------------------------------------------

  private static Form interval(IntervalMode mode) {
    if (mode == IntervalMode.NUMERIC) {
      return Form.parsed(
          () -> semantic(SchemaBuilder.int64(), MICRO_DURATION),
          (v, s) -> {
            PgInterval i = (PgInterval) v;
            if (i.months() != 0) {
              return ColumnType.UNHOLDABLE;
            }
            try {
              return Math.addExact(Math.multiplyExact(i.days(), MICROS_PER_DAY), i.micros());
            } catch (ArithmeticException e) {
              return ColumnType.UNHOLDABLE;
            }
          });
    }
    return Form.parsed(
        () -> semantic(SchemaBuilder.string(), INTERVAL), (v, s) -> iso8601((PgInterval) v));
  }

  /**
   * ISO 8601 with designators, each part with its own sign as PostgreSQL keeps them apart: {@code
   * P1Y2M3DT4H5M6.789S}, {@code P-1M30DT-0.000001S}, {@code PT0S}.
   */
  static String iso8601(PgInterval i) {
    if (i.months() == 0 && i.days() == 0 && i.micros() == 0) {
      return "PT0S";
    }
    StringBuilder sb = new StringBuilder("P");
    part(sb, i.months() / 12, 'Y');
    part(sb, i.months() % 12, 'M');
    part(sb, i.days(), 'D');
    long micros = i.micros();
    if (micros != 0) {
      sb.append('T');
      part(sb, micros / 3_600_000_000L, 'H');
      part(sb, (micros / 60_000_000L) % 60, 'M');
      long secondMicros = micros % 60_000_000L;
      if (secondMicros != 0) {
        sb.append(BigDecimal.valueOf(secondMicros, 6).stripTrailingZeros().toPlainString())
            .append('S');
      }
    }
    return sb.toString();
  }

  private static void part(StringBuilder sb, long value, char designator) {
    if (value != 0) {
      sb.append(value).append(designator);
    }
  }
}
