package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.types.SemanticNames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/** Column types for created tables, and which type changes a target column can take. */
final class ColumnTypes {
  private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")";
  private static final String FIELDS =
      "(?: (?:year|month|day|hour|minute|second)(?: to (?:month|hour|minute|second))?)";

  /**
   * A type as format_type() prints it. Checked before a declared type goes into CREATE or ALTER
   * TABLE text, so that a record cannot smuggle SQL into DDL.
   */
  private static final Pattern TYPE_TEXT =
      Pattern.compile(
          "(?:character varying|bit varying|double precision|interval"
              + FIELDS
              + "?|"
              + IDENT
              + "(?:\\."
              + IDENT
              + ")?)(?:\\(\\d+(?:, ?\\d+)?\\))?(?: with(?:out)? time zone)?(?:\\[\\])*");

  private static final Pattern MODIFIERS =
      Pattern.compile("^([a-z ]+?)(?:\\((\\d+)(?:, ?(\\d+))?\\))?(.*)$");

  private static final Set<String> NUMERIC_NAMES =
      Set.of(Decimal.LOGICAL_NAME, SemanticNames.VARIABLE_SCALE_DECIMAL);

  private ColumnTypes() {}

  /** True when the text is a plain type name, safe to put into DDL. */
  static boolean isTypeText(String type) {
    return type != null && TYPE_TEXT.matcher(type).matches();
  }

  /**
   * The type for a new column: the declared PostgreSQL type when there is one, else one derived
   * from the Connect schema, else (schemaless) from the Java value.
   */
  static String forNewColumn(ColumnSpec spec, Object sample) {
    if (isTypeText(spec.pgType())) {
      return spec.pgType();
    }
    if (spec.schema() != null) {
      return forSchema(spec.schema());
    }
    return forValue(sample);
  }

  static String forSchema(Schema schema) {
    String logical = schema.name();
    if (logical != null) {
      switch (logical) {
        case Decimal.LOGICAL_NAME, SemanticNames.VARIABLE_SCALE_DECIMAL:
          return "numeric";
        case Date.LOGICAL_NAME, SemanticNames.DATE:
          return "date";
        case Time.LOGICAL_NAME,
        SemanticNames.TIME,
        SemanticNames.MICRO_TIME,
        SemanticNames.NANO_TIME:
          return "time without time zone";
        case Timestamp.LOGICAL_NAME, SemanticNames.ZONED_TIMESTAMP:
          return "timestamp with time zone";
        case SemanticNames.TIMESTAMP, SemanticNames.MICRO_TIMESTAMP, SemanticNames.NANO_TIMESTAMP:
          return "timestamp without time zone";
        case SemanticNames.ZONED_TIME:
          return "time with time zone";
        case SemanticNames.JSON:
          return "jsonb";
        case SemanticNames.XML:
          return "xml";
        case SemanticNames.UUID:
          return "uuid";
        case SemanticNames.ENUM:
          return "text"; // the enum type is not known here: its labels as text
        case SemanticNames.INTERVAL, SemanticNames.MICRO_DURATION:
          return "interval";
        default:
          break;
      }
    }
    return switch (schema.type()) {
      case INT8, INT16 -> "smallint";
      case INT32 -> "integer";
      case INT64 -> "bigint";
      case FLOAT32 -> "real";
      case FLOAT64 -> "double precision";
      case BOOLEAN -> "boolean";
      case STRING -> "text";
      case BYTES -> "bytea";
      case ARRAY -> {
        // Arrays of scalars, and of the logical types that are scalars (Decimal is BYTES,
        // VariableScaleDecimal a STRUCT), become PostgreSQL arrays; other arrays JSON.
        Schema element = schema.valueSchema();
        boolean scalar =
            element != null
                && ((element.type().isPrimitive() && element.type() != Schema.Type.BYTES)
                    || (element.name() != null && NUMERIC_NAMES.contains(element.name())));
        yield scalar ? forSchema(element) + "[]" : "jsonb";
      }
      case MAP, STRUCT -> "jsonb";
    };
  }

  static String forValue(Object value) {
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Byte
        || value instanceof Short
        || value instanceof Integer
        || value instanceof Long) {
      return "bigint";
    }
    if (value instanceof Float || value instanceof Double) {
      return "double precision";
    }
    if (value instanceof BigDecimal || value instanceof BigInteger) {
      return "numeric";
    }
    if (value instanceof byte[] || value instanceof ByteBuffer) {
      return "bytea";
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      return "jsonb";
    }
    if (value instanceof java.util.Date) {
      return "timestamp with time zone";
    }
    return "text";
  }

  /**
   * True when a column of type {@code target} holds every value of type {@code declared} exactly:
   * the same type, a wider one, or unbounded text.
   */
  static boolean holds(String target, String declared) {
    if (target.equals(declared)) {
      return true;
    }
    if (target.equals("text") || target.equals("character varying")) {
      return true;
    }
    if (target.equals("jsonb") && declared.equals("json")) {
      return true;
    }
    if (target.endsWith("[]") && declared.endsWith("[]")) {
      return holds(
          target.substring(0, target.length() - 2), declared.substring(0, declared.length() - 2));
    }
    Parsed t = Parsed.of(target);
    Parsed d = Parsed.of(declared);
    String tBase = t.base();
    String dBase = d.base();
    int tInt = intRank(tBase);
    int dInt = intRank(dBase);
    if (tInt > 0 && dInt > 0) {
      return tInt >= dInt;
    }
    if (tBase.equals("numeric") && t.suffix().isEmpty()) {
      return numericHolds(t, d, dInt);
    }
    if (tBase.equals("double precision")) {
      return dBase.equals("real") || dInt == 1 || dInt == 2;
    }
    if (tBase.equals("real")) {
      return dInt == 1;
    }
    if (tBase.equals("character varying") && t.precision() != null) {
      boolean stringy = dBase.equals("character varying") || dBase.equals("character");
      return stringy
          && d.precision() != null
          && Integer.parseInt(d.precision()) <= Integer.parseInt(t.precision());
    }
    boolean temporal =
        tBase.equals("timestamp") || tBase.equals("time") || tBase.equals("interval");
    if (temporal && tBase.equals(dBase) && t.suffix().equals(d.suffix())) {
      int tPrecision = t.precision() == null ? 6 : Integer.parseInt(t.precision());
      int dPrecision = d.precision() == null ? 6 : Integer.parseInt(d.precision());
      return tPrecision >= dPrecision;
    }
    return false;
  }

  /** True when the numeric column {@code t} holds every value of {@code d} exactly. */
  private static boolean numericHolds(Parsed t, Parsed d, int dInt) {
    int tPrecision = t.precision() == null ? Integer.MAX_VALUE : Integer.parseInt(t.precision());
    int tScale = t.scale() == null ? 0 : Integer.parseInt(t.scale());
    int tWhole = t.precision() == null ? Integer.MAX_VALUE : tPrecision - tScale;
    if (dInt > 0) {
      return tWhole >= new int[] {0, 5, 10, 19}[dInt];
    }
    if (d.base().equals("numeric") && d.suffix().isEmpty()) {
      if (t.precision() == null) {
        return true;
      }
      if (d.precision() == null) {
        return false;
      }
      int dScale = d.scale() == null ? 0 : Integer.parseInt(d.scale());
      return dScale <= tScale && Integer.parseInt(d.precision()) - dScale <= tWhole;
    }
    return false;
  }

  /**
   * A type split into base name, modifiers and what follows them: {@code timestamp(3) with time
   * zone}.
   */
  private record Parsed(String base, String precision, String scale, String suffix) {
    static Parsed of(String type) {
      int open = type.indexOf('(');
      if (open >= 0) {
        int close = type.indexOf(')', open);
        String[] mods = type.substring(open + 1, close).split(",");
        return new Parsed(
            type.substring(0, open).trim(),
            mods[0].trim(),
            mods.length > 1 ? mods[1].trim() : null,
            type.substring(close + 1).trim());
      }
      for (String zone : new String[] {"with time zone", "without time zone"}) {
        if (type.endsWith(" " + zone)) {
          return new Parsed(type.substring(0, type.length() - zone.length() - 1), null, null, zone);
        }
      }
      return new Parsed(type, null, null, "");
    }
  }

  private static int intRank(String base) {
    return switch (base) {
      case "smallint" -> 1;
      case "integer" -> 2;
      case "bigint" -> 3;
      default -> 0;
    };
  }
}
