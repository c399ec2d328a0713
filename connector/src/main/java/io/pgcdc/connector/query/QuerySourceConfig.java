package io.pgcdc.connector.query;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.types.ValueOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The query source's settings: the connection, the value options of the CDC source, what every
 * query shares, and the named queries ({@code query.NAME.*}, read by {@link QuerySpec}).
 */
public final class QuerySourceConfig extends AbstractConfig {
  static final String GROUP = "Queries";

  public static final String QUERIES_CONFIG = "queries";
  private static final String QUERIES_DOC =
      "Names of the queries this connector runs, each set up by the settings query.NAME.* (see"
          + " docs/query-source.md): query.NAME.sql (required), query.NAME.mode, the columns of"
          + " the mode, the schedule, the topic and the key. Each query has its own topic and its"
          + " own position in the offsets.";

  public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of each query's topic: PREFIX + NAME, unless query.NAME.topic names the topic.";

  public static final String INTERVAL_CONFIG = "query.interval.ms";
  private static final String INTERVAL_DOC =
      "How often a query without a schedule of its own (query.NAME.interval.ms or"
          + " query.NAME.cron) runs, from the start of one run to the start of the next. Runs of"
          + " one query never overlap.";
  private static final long INTERVAL_DEFAULT = 60_000;

  public static final String STATEMENT_TIMEOUT_CONFIG = "statement.timeout.ms";
  private static final String STATEMENT_TIMEOUT_DOC =
      "PostgreSQL's statement_timeout for each run: a run that takes longer is cancelled by the"
          + " server and fails with SQLSTATE 57014. 0 means no limit.";
  private static final long STATEMENT_TIMEOUT_DEFAULT = 60_000;

  public static final String FETCH_SIZE_CONFIG = "fetch.size";
  private static final String FETCH_SIZE_DOC =
      "Rows fetched from the server at a time through a cursor, so that a run over millions of"
          + " rows holds only this many in memory.";
  private static final int FETCH_SIZE_DEFAULT = 5_000;

  public static final String MAX_ROWS_CONFIG = "max.rows.per.run";
  private static final String MAX_ROWS_DOC =
      "Most rows one run emits; the next run goes on where this one stopped (incrementing and"
          + " timestamp modes; in timestamp mode a run ends only between two timestamps). In bulk"
          + " mode the rest of the result is left out, with a warning. 0 means no limit.";

  public static final String MAX_BYTES_CONFIG = "max.bytes.per.run";
  private static final String MAX_BYTES_DOC =
      "Most bytes of row text one run reads before it stops as with max.rows.per.run. 0 means no"
          + " limit.";

  public static final String TIMESTAMP_DELAY_CONFIG = "timestamp.delay.ms";
  private static final String TIMESTAMP_DELAY_DOC =
      "In the timestamp modes, how far behind the server's clock a run stops when the connector's"
          + " user cannot see when the other sessions' transactions started (it is neither a"
          + " superuser nor a member of pg_read_all_stats). With that privilege the run stops just"
          + " before the start of the oldest transaction still open, and this delay is not used."
          + " Set it above your longest writing transaction.";
  private static final long TIMESTAMP_DELAY_DEFAULT = 0;

  public static final String LEDGER_CONFIG = "statement.ledger.table";
  private static final String LEDGER_DOC =
      "Table (created if missing) in which each run of a statement query records its fire time in"
          + " the statement's own transaction, so that a fire time runs at most once, also when a"
          + " crash comes between the commit and the result record; with exactly-once delivery"
          + " (exactly.once.support=required) exactly once. Empty: no ledger, unless"
          + " exactly.once.support=required, which uses "
          + "pgcdc_query_ledger"
          + ". Schema-qualify it to keep it out of the search_path's first schema.";
  static final String DEFAULT_LEDGER = "pgcdc_query_ledger";

  public static final String PARAMETERS_PREFIX = "query.parameters.";

  private final ValueOptions valueOptions;
  private final List<QuerySpec> queries;

  public QuerySourceConfig(Map<String, String> props) {
    super(configDef(), props);
    this.valueOptions = ValueOptions.from(this);
    this.queries = readQueries(props);
  }

  public static ConfigDef configDef() {
    ConfigDef def = ValueOptions.addTo(ConnectionConfig.addTo(new ConfigDef()));
    int order = 0;
    return def.define(
            QUERIES_CONFIG,
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            new NonEmptyList(),
            Importance.HIGH,
            QUERIES_DOC,
            GROUP,
            ++order,
            Width.LONG,
            "Queries")
        .define(
            TOPIC_PREFIX_CONFIG,
            Type.STRING,
            "",
            Importance.HIGH,
            TOPIC_PREFIX_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "Topic prefix")
        .define(
            INTERVAL_CONFIG,
            Type.LONG,
            INTERVAL_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.MEDIUM,
            INTERVAL_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Interval")
        .define(
            STATEMENT_TIMEOUT_CONFIG,
            Type.LONG,
            STATEMENT_TIMEOUT_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.MEDIUM,
            STATEMENT_TIMEOUT_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Statement timeout")
        .define(
            FETCH_SIZE_CONFIG,
            Type.INT,
            FETCH_SIZE_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            FETCH_SIZE_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Fetch size")
        .define(
            MAX_ROWS_CONFIG,
            Type.LONG,
            0L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            MAX_ROWS_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Rows per run")
        .define(
            MAX_BYTES_CONFIG,
            Type.LONG,
            0L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            MAX_BYTES_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Bytes per run")
        .define(
            TIMESTAMP_DELAY_CONFIG,
            Type.LONG,
            TIMESTAMP_DELAY_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.MEDIUM,
            TIMESTAMP_DELAY_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Timestamp delay")
        .define(
            LEDGER_CONFIG,
            Type.STRING,
            "",
            Importance.LOW,
            LEDGER_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "Statement ledger");
  }

  /** At least one name. */
  private static final class NonEmptyList implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value instanceof List<?> list && list.isEmpty()) {
        throw new ConfigException(name, value, "name at least one query");
      }
    }

    @Override
    public String toString() {
      return "one or more names";
    }
  }

  private List<QuerySpec> readQueries(Map<String, String> props) {
    Map<String, String> shared = parameters(props, PARAMETERS_PREFIX);
    List<QuerySpec> specs = new ArrayList<>();
    for (String name : getList(QUERIES_CONFIG)) {
      specs.add(QuerySpec.read(name, props, shared, this));
    }
    return List.copyOf(specs);
  }

  /** The settings {@code prefix + NAME} as NAME to value, in the order given. */
  static Map<String, String> parameters(Map<String, String> props, String prefix) {
    Map<String, String> found = new LinkedHashMap<>();
    props.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && key.length() > prefix.length()) {
            found.put(key.substring(prefix.length()), value);
          }
        });
    return found;
  }

  public ConnectionSettings connection(String applicationName) {
    return ConnectionConfig.settings(this, applicationName);
  }

  public ValueOptions valueOptions() {
    return valueOptions;
  }

  public List<QuerySpec> queries() {
    return queries;
  }

  String topicPrefix() {
    return getString(TOPIC_PREFIX_CONFIG);
  }

  Duration defaultInterval() {
    return Duration.ofMillis(getLong(INTERVAL_CONFIG));
  }

  Duration statementTimeout() {
    return Duration.ofMillis(getLong(STATEMENT_TIMEOUT_CONFIG));
  }

  int fetchSize() {
    return getInt(FETCH_SIZE_CONFIG);
  }

  long maxRowsPerRun() {
    return getLong(MAX_ROWS_CONFIG);
  }

  long maxBytesPerRun() {
    return getLong(MAX_BYTES_CONFIG);
  }

  /** The ledger table of statement runs, as [schema, table] or [table]; null for none. */
  List<String> ledgerTable() {
    String name = getString(LEDGER_CONFIG).strip();
    if (name.isEmpty()) {
      if (!"required".equalsIgnoreCase(originalsStrings().get("exactly.once.support"))) {
        return null;
      }
      name = DEFAULT_LEDGER;
    }
    return List.of(name.split("\\.", 2));
  }

  Duration timestampDelay() {
    return Duration.ofMillis(getLong(TIMESTAMP_DELAY_CONFIG));
  }
}
