package io.pgcdc.connector.types;

/**
 * The schema names the widely deployed CDC envelope gives values that Connect has no logical type
 * for: the source writes them, the sink reads them back and creates columns from them. One list, so
 * that the two sides cannot drift apart.
 */
public final class SemanticNames {
  public static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
  public static final String DATE = "io.debezium.time.Date";
  public static final String TIME = "io.debezium.time.Time";
  public static final String MICRO_TIME = "io.debezium.time.MicroTime";
  public static final String NANO_TIME = "io.debezium.time.NanoTime";
  public static final String TIMESTAMP = "io.debezium.time.Timestamp";
  public static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
  public static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
  public static final String ZONED_TIME = "io.debezium.time.ZonedTime";
  public static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
  public static final String INTERVAL = "io.debezium.time.Interval";
  public static final String MICRO_DURATION = "io.debezium.time.MicroDuration";
  public static final String JSON = "io.debezium.data.Json";
  public static final String UUID = "io.debezium.data.Uuid";
  public static final String XML = "io.debezium.data.Xml";
  public static final String ENUM = "io.debezium.data.Enum";

  /** The parameter of {@link #ENUM} listing the labels, comma-separated. */
  public static final String ENUM_ALLOWED = "allowed";

  private SemanticNames() {}
}
