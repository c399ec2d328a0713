package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.read.TableAllowList;
import io.pgcdc.connector.sink.read.TableNameTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The configuration of the sink connector and its tasks. */
public final class PostgresSinkConfig extends AbstractConfig {
  static final String TABLE_GROUP = "Target table";
  static final String WRITE_GROUP = "Writes";
  static final String SCHEMA_GROUP = "Schema changes";
  static final String RETRY_GROUP = "Retries";

  public static final String TABLE_NAME_FORMAT_CONFIG = "table.name.format";
  private static final String TABLE_NAME_FORMAT_DOC =
      "Target table of a record: a template with the placeholders ${topic} (after"
          + " topic.regex/topic.replacement), ${source.schema}, ${source.table} (from the"
          + " envelope's source block), ${key.FIELD} and ${value.FIELD} (a field of the record"
          + " key or of the row value). The result is 'table' (in schema public) or"
          + " 'schema.table'; names keep their case, and double-quoted parts may contain dots.";
  public static final String TABLE_NAME_FORMAT_DEFAULT = "${topic}";

  public static final String TABLE_ALLOW_LIST_CONFIG = "table.allow.list";
  private static final String TABLE_ALLOW_LIST_DOC =
      "Comma-separated tables the sink may write, schema-qualified as in SQL: public.orders,"
          + " \"My Schema\".\"Order Lines\". * matches any characters of a name (audit.*,"
          + " public.orders_*); * alone allows every table. A schema written with * never matches"
          + " pg_catalog, information_schema, pg_toast or pg_temp schemas. Checked before any SQL"
          + " touches the table; a record whose table is not allowed is a bad record (dead letter"
          + " queue with errors.tolerance=all). Empty (the default): only the tables of the schema"
          + " that table.name.format writes out before any placeholder (archive in"
          + " archive.${source.table}), or of schema public when a placeholder can choose the"
          + " schema (${source.schema}.${source.table}, ${topic}).";

  public static final String TOPIC_REGEX_CONFIG = "topic.regex";
  private static final String TOPIC_REGEX_DOC =
      "Regular expression matched against the whole topic name; when it matches, the topic is"
          + " replaced by topic.replacement before it fills ${topic}. Example: regex"
          + " '[^.]+\\.([^.]+)\\.([^.]+)' with replacement '$1.$2' turns 'pg.public.orders' into"
          + " 'public.orders'.";

  public static final String TOPIC_REPLACEMENT_CONFIG = "topic.replacement";
  private static final String TOPIC_REPLACEMENT_DOC =
      "Replacement for topic.regex, with $1, $2, ... for its groups.";

  public static final String PRIMARY_KEY_MODE_CONFIG = "primary.key.mode";
  private static final String PRIMARY_KEY_MODE_DOC =
      "Where the primary key of a row comes from: record_key (the fields of the record key, or"
          + " the key itself named by primary.key.fields when it is a single value),"
          + " record_value (the fields primary.key.fields of the row), kafka (the columns"
          + " __connect_topic, __connect_partition, __connect_offset) or none (rows are appended,"
          + " no upserts or deletes).";
  public static final String PRIMARY_KEY_MODE_DEFAULT = "record_key";

  public static final String PRIMARY_KEY_FIELDS_CONFIG = "primary.key.fields";
  private static final String PRIMARY_KEY_FIELDS_DOC =
      "Primary key columns. record_value: required, the row fields that form the key."
          + " record_key: optional, a subset of the key fields (all by default), or the column"
          + " name when the key is a single value.";

  public static final String INSERT_MODE_CONFIG = "insert.mode";
  private static final String INSERT_MODE_DOC =
      "upsert: insert, or update the row with the same primary key; insert: plain insert (a"
          + " row whose key exists is a bad record); update: update rows that exist, ignore the"
          + " others.";
  public static final String INSERT_MODE_DEFAULT = "upsert";

  public static final String DELETE_ENABLED_CONFIG = "delete.enabled";
  private static final String DELETE_ENABLED_DOC =
      "Delete the row on a delete event (op 'd') or a tombstone (null value). Needs"
          + " primary.key.mode record_key or record_value. When false, deletes and tombstones"
          + " are skipped (counted in the debug log).";
  public static final boolean DELETE_ENABLED_DEFAULT = true;

  public static final String TRUNCATE_ENABLED_CONFIG = "truncate.enabled";
  private static final String TRUNCATE_ENABLED_DOC =
      "Truncate the target table on a truncate event (op 't'). When false, truncate events are"
          + " skipped.";
  public static final boolean TRUNCATE_ENABLED_DEFAULT = false;

  public static final String AUTO_CREATE_CONFIG = "auto.create";
  private static final String AUTO_CREATE_DOC =
      "Create a missing target table, with the primary key and with column types from the"
          + " record (the PostgreSQL type in the schema parameter pgcdc.type when present,"
          + " else one derived from the Connect schema).";
  public static final boolean AUTO_CREATE_DEFAULT = false;

  public static final String AUTO_EVOLVE_CONFIG = "auto.evolve";
  private static final String AUTO_EVOLVE_DOC =
      "Add a column that a record has and the target table lacks (as a nullable column)."
          + " Nothing is ever dropped or narrowed.";
  public static final boolean AUTO_EVOLVE_DEFAULT = false;

  public static final String BATCH_SIZE_CONFIG = "batch.size";
  private static final String BATCH_SIZE_DOC =
      "Most records written in one transaction. Records are gathered across put() calls (the"
          + " consumer setting max.poll.records, 500 by default, decides how many each call"
          + " brings) until a batch holds this many, or until batch.linger.ms has passed since its"
          + " first record; one batch is written while the next is gathered.";
  public static final int BATCH_SIZE_DEFAULT = 10_000;

  public static final String BATCH_LINGER_MS_CONFIG = "batch.linger.ms";
  private static final String BATCH_LINGER_MS_DOC =
      "How long a batch that is not full (batch.size) may wait for more records before it is"
          + " written, in milliseconds; it waits longer while the batch before it is still being"
          + " written. Larger transactions cost PostgreSQL less per row; a record waits at most"
          + " about this long (plus the write before it) before it is written. 0 writes what has"
          + " arrived whenever the writer is idle. Offsets are committed only for records"
          + " committed in PostgreSQL, and Connect's offset commit (offset.flush.interval.ms)"
          + " writes whatever is gathered.";
  public static final long BATCH_LINGER_MS_DEFAULT = 100;

  public static final String EXACTLY_ONCE_CONFIG = "exactly.once";
  private static final String EXACTLY_ONCE_DOC =
      "Store the last written (topic, partition, offset) in offsets.table, in the transaction of"
          + " the writes, and on every partition assignment rewind the consumer to it: a record is"
          + " written once, across crashes and rebalances, and a task that lost its partitions"
          + " (a zombie) cannot write older records over newer ones. With false, Kafka's committed"
          + " offsets decide, and a crash can write records again (upserts and deletes by key make"
          + " that converge to the same rows).";
  public static final boolean EXACTLY_ONCE_DEFAULT = true;

  public static final String OFFSETS_TABLE_CONFIG = "offsets.table";
  private static final String OFFSETS_TABLE_DOC =
      "The ledger table of exactly.once (schema.table; created if missing, shared by connectors:"
          + " a row per connector, topic and partition).";
  public static final String OFFSETS_TABLE_DEFAULT = "public.pgcdc_sink_offsets";

  public static final String MAX_RETRIES_CONFIG = "max.retries";
  private static final String MAX_RETRIES_DOC =
      "How often a batch is retried after a lost connection, a serialization failure or a"
          + " deadlock before the task fails. The failed transaction is rolled back and the whole"
          + " batch is written again.";
  public static final int MAX_RETRIES_DEFAULT = 10;

  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  private static final String RETRY_BACKOFF_MS_DOC =
      "Wait before the first retry; doubled on each further retry, up to one minute.";
  public static final long RETRY_BACKOFF_MS_DEFAULT = 1_000L;

  /** Where the primary key comes from. */
  public enum PrimaryKeyMode {
    RECORD_KEY,
    RECORD_VALUE,
    KAFKA,
    NONE
  }

  /** How rows are written. */
  public enum InsertMode {
    INSERT,
    UPSERT,
    UPDATE
  }

  public static final ConfigDef CONFIG_DEF = configDef();

  public PostgresSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
  }

  static ConfigDef configDef() {
    ConfigDef def = ConnectionConfig.addTo(new ConfigDef());
    int order = 0;
    def.define(
            TABLE_NAME_FORMAT_CONFIG,
            Type.STRING,
            TABLE_NAME_FORMAT_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            TABLE_NAME_FORMAT_DOC,
            TABLE_GROUP,
            ++order,
            Width.LONG,
            "Table name template")
        .define(
            TABLE_ALLOW_LIST_CONFIG,
            Type.LIST,
            "",
            ConfigDef.LambdaValidator.with(
                (name, value) -> {
                  for (Object entry : (List<?>) value) {
                    TableAllowList.check((String) entry);
                  }
                },
                () -> "schema.table, schema.*, * (with * as a wildcard)"),
            Importance.HIGH,
            TABLE_ALLOW_LIST_DOC,
            TABLE_GROUP,
            ++order,
            Width.LONG,
            "Allowed tables")
        .define(
            TOPIC_REGEX_CONFIG,
            Type.STRING,
            null,
            ConfigDef.LambdaValidator.with(
                (name, value) -> {
                  if (value != null) {
                    try {
                      Pattern.compile((String) value);
                    } catch (PatternSyntaxException e) {
                      throw new ConfigException(
                          name, value, "is not a regular expression: " + e.getDescription());
                    }
                  }
                },
                () -> "a Java regular expression"),
            Importance.MEDIUM,
            TOPIC_REGEX_DOC,
            TABLE_GROUP,
            ++order,
            Width.LONG,
            "Topic regex")
        .define(
            TOPIC_REPLACEMENT_CONFIG,
            Type.STRING,
            null,
            Importance.MEDIUM,
            TOPIC_REPLACEMENT_DOC,
            TABLE_GROUP,
            ++order,
            Width.LONG,
            "Topic replacement")
        .define(
            PRIMARY_KEY_MODE_CONFIG,
            Type.STRING,
            PRIMARY_KEY_MODE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("record_key", "record_value", "kafka", "none"),
            Importance.HIGH,
            PRIMARY_KEY_MODE_DOC,
            TABLE_GROUP,
            ++order,
            Width.MEDIUM,
            "Primary key mode")
        .define(
            PRIMARY_KEY_FIELDS_CONFIG,
            Type.LIST,
            "",
            Importance.MEDIUM,
            PRIMARY_KEY_FIELDS_DOC,
            TABLE_GROUP,
            ++order,
            Width.LONG,
            "Primary key fields");
    order = 0;
    def.define(
            INSERT_MODE_CONFIG,
            Type.STRING,
            INSERT_MODE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("insert", "upsert", "update"),
            Importance.HIGH,
            INSERT_MODE_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Insert mode")
        .define(
            DELETE_ENABLED_CONFIG,
            Type.BOOLEAN,
            DELETE_ENABLED_DEFAULT,
            Importance.MEDIUM,
            DELETE_ENABLED_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Deletes")
        .define(
            TRUNCATE_ENABLED_CONFIG,
            Type.BOOLEAN,
            TRUNCATE_ENABLED_DEFAULT,
            Importance.MEDIUM,
            TRUNCATE_ENABLED_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Truncates")
        .define(
            BATCH_SIZE_CONFIG,
            Type.INT,
            BATCH_SIZE_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.MEDIUM,
            BATCH_SIZE_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Batch size")
        .define(
            BATCH_LINGER_MS_CONFIG,
            Type.LONG,
            BATCH_LINGER_MS_DEFAULT,
            ConfigDef.Range.between(0, 60_000),
            Importance.LOW,
            BATCH_LINGER_MS_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Batch linger (ms)")
        .define(
            EXACTLY_ONCE_CONFIG,
            Type.BOOLEAN,
            EXACTLY_ONCE_DEFAULT,
            Importance.HIGH,
            EXACTLY_ONCE_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            "Exactly once")
        .define(
            OFFSETS_TABLE_CONFIG,
            Type.STRING,
            OFFSETS_TABLE_DEFAULT,
            OffsetLedger.TABLE_NAME,
            Importance.MEDIUM,
            OFFSETS_TABLE_DOC,
            WRITE_GROUP,
            ++order,
            Width.MEDIUM,
            "Offsets table");
    order = 0;
    def.define(
            AUTO_CREATE_CONFIG,
            Type.BOOLEAN,
            AUTO_CREATE_DEFAULT,
            Importance.MEDIUM,
            AUTO_CREATE_DOC,
            SCHEMA_GROUP,
            ++order,
            Width.SHORT,
            "Create tables")
        .define(
            AUTO_EVOLVE_CONFIG,
            Type.BOOLEAN,
            AUTO_EVOLVE_DEFAULT,
            Importance.MEDIUM,
            AUTO_EVOLVE_DOC,
            SCHEMA_GROUP,
            ++order,
            Width.SHORT,
            "Add columns");
    order = 0;
    def.define(
            MAX_RETRIES_CONFIG,
            Type.INT,
            MAX_RETRIES_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            MAX_RETRIES_DOC,
            RETRY_GROUP,
            ++order,
            Width.SHORT,
            "Retries")
        .define(
            RETRY_BACKOFF_MS_CONFIG,
            Type.LONG,
            RETRY_BACKOFF_MS_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            RETRY_BACKOFF_MS_DOC,
            RETRY_GROUP,
            ++order,
            Width.SHORT,
            "Retry backoff (ms)");
    return def;
  }

  ConnectionSettings connectionSettings(String applicationName) {
    return ConnectionConfig.settings(this, applicationName);
  }

  public boolean exactlyOnce() {
    return getBoolean(EXACTLY_ONCE_CONFIG);
  }

  public TableId offsetsTable() {
    return TableId.parse(getString(OFFSETS_TABLE_CONFIG), "public");
  }

  public String tableNameFormat() {
    return getString(TABLE_NAME_FORMAT_CONFIG);
  }

  /** The tables records may go to, given the template. */
  public TableAllowList tableAllowList(TableNameTemplate template) {
    return TableAllowList.of(getList(TABLE_ALLOW_LIST_CONFIG), template);
  }

  /** The topic rename, or null when none is configured. */
  public Pattern topicRegex() {
    String regex = getString(TOPIC_REGEX_CONFIG);
    return regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
  }

  public String topicReplacement() {
    String replacement = getString(TOPIC_REPLACEMENT_CONFIG);
    return replacement == null ? "" : replacement;
  }

  public PrimaryKeyMode primaryKeyMode() {
    return PrimaryKeyMode.valueOf(
        getString(PRIMARY_KEY_MODE_CONFIG).trim().toUpperCase(Locale.ROOT));
  }

  public List<String> primaryKeyFields() {
    return getList(PRIMARY_KEY_FIELDS_CONFIG).stream()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  public InsertMode insertMode() {
    return InsertMode.valueOf(getString(INSERT_MODE_CONFIG).trim().toUpperCase(Locale.ROOT));
  }

  public boolean deleteEnabled() {
    return getBoolean(DELETE_ENABLED_CONFIG);
  }

  public boolean truncateEnabled() {
    return getBoolean(TRUNCATE_ENABLED_CONFIG);
  }

  public boolean autoCreate() {
    return getBoolean(AUTO_CREATE_CONFIG);
  }

  public boolean autoEvolve() {
    return getBoolean(AUTO_EVOLVE_CONFIG);
  }

  int batchSize() {
    return getInt(BATCH_SIZE_CONFIG);
  }

  int maxRetries() {
    return getInt(MAX_RETRIES_CONFIG);
  }

  Duration batchLinger() {
    return Duration.ofMillis(getLong(BATCH_LINGER_MS_CONFIG));
  }

  Duration retryBackoff() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG));
  }

  /**
   * The checks that involve more than one setting: each problem as (setting, message). Empty when
   * the settings fit together.
   */
  List<Map.Entry<String, String>> crossFieldProblems() {
    List<Map.Entry<String, String>> problems = new java.util.ArrayList<>();
    PrimaryKeyMode mode = primaryKeyMode();
    boolean keyed = mode == PrimaryKeyMode.RECORD_KEY || mode == PrimaryKeyMode.RECORD_VALUE;
    if (mode == PrimaryKeyMode.RECORD_VALUE && primaryKeyFields().isEmpty()) {
      problems.add(
          Map.entry(
              PRIMARY_KEY_FIELDS_CONFIG,
              "primary.key.mode=record_value needs the key columns: set primary.key.fields to the"
                  + " row fields that form the primary key (for example 'id' or 'tenant,id')"));
    }
    if (deleteEnabled() && !keyed) {
      problems.add(
          Map.entry(
              DELETE_ENABLED_CONFIG,
              "delete.enabled=true needs primary.key.mode record_key or record_value (rows are"
                  + " deleted by key); set delete.enabled=false or change primary.key.mode"));
    }
    if (mode == PrimaryKeyMode.NONE && insertMode() != InsertMode.INSERT) {
      problems.add(
          Map.entry(
              INSERT_MODE_CONFIG,
              "insert.mode="
                  + insertMode().name().toLowerCase(Locale.ROOT)
                  + " needs a primary key, but primary.key.mode=none appends rows: set"
                  + " insert.mode=insert or choose a primary.key.mode"));
    }
    String regex = getString(TOPIC_REGEX_CONFIG);
    if ((regex == null || regex.isEmpty()) && getString(TOPIC_REPLACEMENT_CONFIG) != null) {
      problems.add(
          Map.entry(
              TOPIC_REPLACEMENT_CONFIG,
              "topic.replacement is set but topic.regex is not: set topic.regex too"));
    }
    try {
      TableNameTemplate template = TableNameTemplate.parse(tableNameFormat());
      if (template.isConstant()) {
        TableId table = TableNameTemplate.toTableId(template.format());
        TableAllowList allowList = tableAllowList(template);
        if (!allowList.allows(table)) {
          problems.add(Map.entry(TABLE_ALLOW_LIST_CONFIG, allowList.rejection(table)));
        }
      }
    } catch (IllegalArgumentException e) {
      problems.add(Map.entry(TABLE_NAME_FORMAT_CONFIG, e.getMessage()));
    }
    return problems;
  }
}
