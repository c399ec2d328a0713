package io.pgcdc.connector.types;

import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * How column values become Connect values: typed (the default) or PostgreSQL's own text, and the
 * forms users of the widely deployed CDC connector choose between, under the same setting names.
 */
public record ValueOptions(
    ValueMode valueMode,
    DecimalMode decimals,
    TimePrecision times,
    IntervalMode intervals,
    BinaryMode binary,
    HstoreMode hstores) {

  public static final String GROUP = "Values";

  public static final String VALUE_MODE_CONFIG = "value.mode";
  private static final String VALUE_MODE_DOC =
      "typed: each column as the Connect type consumers expect (Decimal, micro-second"
          + " timestamps, ISO zoned timestamps, arrays, and the semantic names of the common CDC"
          + " envelope such as io.debezium.data.Json); see docs/type-mapping.md. text: only"
          + " boolean, smallint, integer, bigint and bytea are typed, every other column is a"
          + " string of PostgreSQL's own text, for PostgreSQL-to-PostgreSQL pipes.";

  public static final String DECIMAL_HANDLING_MODE_CONFIG = "decimal.handling.mode";
  private static final String DECIMAL_HANDLING_MODE_DOC =
      "numeric columns in typed mode. precise: Connect Decimal for numeric(p,s), the"
          + " io.debezium.data.VariableScaleDecimal struct for numeric without a scale (NaN and"
          + " infinities go to source.text_values); double: FLOAT64, which rounds values beyond"
          + " 15-17 significant digits; string: the exact decimal text.";

  public static final String TIME_PRECISION_MODE_CONFIG = "time.precision.mode";
  private static final String TIME_PRECISION_MODE_DOC =
      "date, time and timestamp columns in typed mode. adaptive: io.debezium.time.Date,"
          + " Time/Timestamp (milliseconds) for a precision of 0-3, MicroTime/MicroTimestamp"
          + " otherwise; adaptive_time_microseconds: the same, but time is always MicroTime;"
          + " connect: Connect's Date, Time and Timestamp (milliseconds: a value with finer"
          + " digits goes to source.text_values).";

  public static final String INTERVAL_HANDLING_MODE_CONFIG = "interval.handling.mode";
  private static final String INTERVAL_HANDLING_MODE_DOC =
      "interval columns in typed mode. string: io.debezium.time.Interval, ISO 8601 with months,"
          + " days and time kept apart (exact); numeric: io.debezium.time.MicroDuration"
          + " micro-seconds, a day counted as 24 hours (a value with months goes to"
          + " source.text_values).";

  public static final String BINARY_HANDLING_MODE_CONFIG = "binary.handling.mode";
  private static final String BINARY_HANDLING_MODE_DOC =
      "bytea columns in typed mode: bytes, or a string in base64, base64-url-safe or hex.";

  public static final String HSTORE_HANDLING_MODE_CONFIG = "hstore.handling.mode";
  private static final String HSTORE_HANDLING_MODE_DOC =
      "hstore columns (the extension's type) in typed mode: json, a string of the JSON object"
          + " named io.debezium.data.Json; map, a Connect map of string to optional string.";

  /** typed or text. */
  public enum ValueMode {
    TYPED,
    TEXT
  }

  /** numeric columns. */
  public enum DecimalMode {
    PRECISE,
    DOUBLE,
    STRING
  }

  /** date, time and timestamp columns. */
  public enum TimePrecision {
    ADAPTIVE,
    ADAPTIVE_TIME_MICROSECONDS,
    CONNECT
  }

  /** interval columns. */
  public enum IntervalMode {
    STRING,
    NUMERIC
  }

  /** bytea columns. */
  public enum BinaryMode {
    BYTES,
    BASE64,
    BASE64_URL_SAFE,
    HEX
  }

  /** hstore columns. */
  public enum HstoreMode {
    JSON,
    MAP
  }

  /** The defaults: typed, precise, adaptive, ISO intervals, bytes, hstore as JSON. */
  public static ValueOptions defaults() {
    return new ValueOptions(
        ValueMode.TYPED,
        DecimalMode.PRECISE,
        TimePrecision.ADAPTIVE,
        IntervalMode.STRING,
        BinaryMode.BYTES,
        HstoreMode.JSON);
  }

  /** PostgreSQL's own text for everything but booleans, whole numbers and bytes. */
  public static ValueOptions text() {
    return new ValueOptions(
        ValueMode.TEXT,
        DecimalMode.PRECISE,
        TimePrecision.ADAPTIVE,
        IntervalMode.STRING,
        BinaryMode.BYTES,
        HstoreMode.JSON);
  }

  /** Adds the settings to {@code def}. */
  public static ConfigDef addTo(ConfigDef def) {
    int order = 0;
    define(def, VALUE_MODE_CONFIG, ValueMode.TYPED, VALUE_MODE_DOC, ++order, "Value mode");
    define(
        def,
        DECIMAL_HANDLING_MODE_CONFIG,
        DecimalMode.PRECISE,
        DECIMAL_HANDLING_MODE_DOC,
        ++order,
        "Decimal handling");
    define(
        def,
        TIME_PRECISION_MODE_CONFIG,
        TimePrecision.ADAPTIVE,
        TIME_PRECISION_MODE_DOC,
        ++order,
        "Time precision");
    define(
        def,
        INTERVAL_HANDLING_MODE_CONFIG,
        IntervalMode.STRING,
        INTERVAL_HANDLING_MODE_DOC,
        ++order,
        "Interval handling");
    define(
        def,
        BINARY_HANDLING_MODE_CONFIG,
        BinaryMode.BYTES,
        BINARY_HANDLING_MODE_DOC,
        ++order,
        "Binary handling");
    define(
        def,
        HSTORE_HANDLING_MODE_CONFIG,
        HstoreMode.JSON,
        HSTORE_HANDLING_MODE_DOC,
        ++order,
        "hstore handling");
    return def;
  }

  /** The options a config defined by {@link #addTo} holds. */
  public static ValueOptions from(AbstractConfig config) {
    return new ValueOptions(
        parse(ValueMode.class, config.getString(VALUE_MODE_CONFIG)),
        parse(DecimalMode.class, config.getString(DECIMAL_HANDLING_MODE_CONFIG)),
        parse(TimePrecision.class, config.getString(TIME_PRECISION_MODE_CONFIG)),
        parse(IntervalMode.class, config.getString(INTERVAL_HANDLING_MODE_CONFIG)),
        parse(BinaryMode.class, config.getString(BINARY_HANDLING_MODE_CONFIG)),
        parse(HstoreMode.class, config.getString(HSTORE_HANDLING_MODE_CONFIG)));
  }

  private static <E extends Enum<E>> void define(
      ConfigDef def, String name, E defaultValue, String doc, int order, String display) {
    String[] allowed =
        Arrays.stream(defaultValue.getDeclaringClass().getEnumConstants())
            .map(ValueOptions::settingText)
            .toArray(String[]::new);
    def.define(
        name,
        Type.STRING,
        settingText(defaultValue),
        ConfigDef.CaseInsensitiveValidString.in(allowed),
        Importance.MEDIUM,
        doc,
        GROUP,
        order,
        Width.SHORT,
        display);
  }

  /** The setting's text of a constant: BASE64_URL_SAFE is base64-url-safe, the others lower. */
  private static String settingText(Enum<?> e) {
    String s = e.name().toLowerCase(Locale.ROOT);
    return e == BinaryMode.BASE64_URL_SAFE ? s.replace('_', '-') : s;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String text) {
    return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
