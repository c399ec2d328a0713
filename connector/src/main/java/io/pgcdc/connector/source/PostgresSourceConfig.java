package io.pgcdc.connector.source;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.TableSelector;
import io.pgcdc.connector.source.stream.StreamObserver;
import io.pgcdc.connector.types.ValueOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The source connector's configuration: what to capture, how, and where to write it. */
public final class PostgresSourceConfig extends AbstractConfig {
  private static final String CAPTURE_GROUP = "Capture";
  private static final String TOPICS_GROUP = "Topics";
  private static final String REPLICATION_GROUP = "Replication";

  /** The connector's name, which Connect puts into every connector config. */
  public static final String NAME_CONFIG = "name";

  public static final String TABLE_INCLUDE_LIST_CONFIG = "table.include.list";
  private static final String TABLE_INCLUDE_LIST_DOC =
      "Comma-separated tables to capture, schema-qualified: public.orders, \"My Schema\".\"Order"
          + " Lines\". schema.* captures every table of that schema; * captures every table of"
          + " every schema except pg_catalog, information_schema and pg_toast. Names are resolved"
          + " when the task starts; partitioned tables are captured through their root. A listed"
          + " table that does not exist, or a pattern that matches no table, is an error when the"
          + " connector is created (a pattern whose tables are gone when a task starts is logged"
          + " as a warning).";

  public static final String SNAPSHOT_MODE_CONFIG = "snapshot.mode";
  private static final String SNAPSHOT_MODE_DOC =
      "initial: copy the tables' current rows (op r) once, then stream changes; never: stream"
          + " changes only, from the slot's position; initial_only: copy the rows, then stop"
          + " streaming (the task idles).";
  public static final String SNAPSHOT_MODE_DEFAULT = "initial";

  public static final String SNAPSHOT_MAX_THREADS_CONFIG = "snapshot.max.threads";
  private static final String SNAPSHOT_MAX_THREADS_DOC =
      "Connections that copy a table at the same time, each a range of its rows (by ctid, on"
          + " PostgreSQL 14 and later; earlier versions copy a table with one), all reading the"
          + " same snapshot. Each is one more connection and backend process while the snapshot"
          + " runs. Finished ranges are stored in the offsets: a snapshot interrupted by a crash"
          + " copies only the unfinished ones again.";
  public static final int SNAPSHOT_MAX_THREADS_DEFAULT = 1;

  public static final String SLOT_NAME_CONFIG = "slot.name";
  private static final String SLOT_NAME_DOC =
      "Logical replication slot to create and read. Default: pgcdc_ followed by the connector"
          + " name reduced to [a-z0-9_], at most 63 characters. The slot is kept when the task"
          + " stops; only deleting the connector removes it (cleanup.on.delete).";

  public static final String PUBLICATION_NAME_CONFIG = "publication.name";
  private static final String PUBLICATION_NAME_DOC =
      "Publication to create (FOR TABLE the captured tables) and read. Default: as slot.name.";

  public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of every topic name, ${prefix} in topic.template. Default: the connector name.";

  public static final String TOPIC_TEMPLATE_CONFIG = "topic.template";
  private static final String TOPIC_TEMPLATE_DOC =
      "Topic of a table's changes. Placeholders: ${prefix}, ${database}, ${schema}, ${table}."
          + " Characters that Kafka does not allow in a topic name become _.";
  public static final String TOPIC_TEMPLATE_DEFAULT = "${prefix}.${schema}.${table}";

  public static final String MESSAGES_TOPIC_CONFIG = "messages.topic";
  private static final String MESSAGES_TOPIC_DOC =
      "Topic of logical decoding messages (pg_logical_emit_message), op m. Placeholders as in"
          + " topic.template.";
  public static final String MESSAGES_TOPIC_DEFAULT = "${prefix}.messages";

  public static final String TOMBSTONES_ON_DELETE_CONFIG = "tombstones.on.delete";
  private static final String TOMBSTONES_ON_DELETE_DOC =
      "Follow each delete record with a tombstone (the key, a null value) so that log compaction"
          + " can drop the row's records.";
  public static final boolean TOMBSTONES_ON_DELETE_DEFAULT = true;

  public static final String TABLE_KEY_COLUMNS_CONFIG = "table.key.columns";
  private static final String TABLE_KEY_COLUMNS_DOC =
      "Key columns of tables that have no primary key, as table:col1,col2 entries separated by"
          + " semicolons: public.events:id;public.log:host,ts. Overrides the primary key.";

  public static final String CLEANUP_ON_DELETE_CONFIG = "cleanup.on.delete";
  private static final String CLEANUP_ON_DELETE_DOC =
      "Drop the slot and the publication when the connector is deleted or its offsets are reset"
          + " (DELETE /connectors/NAME/offsets). Needs the worker setting"
          + " rest.extension.classes=io.pgcdc.connector.cleanup.CleanupOnDeleteExtension (see"
          + " docs/operations.md). They are never dropped when the connector or its task stops,"
          + " restarts or is paused.";
  public static final boolean CLEANUP_ON_DELETE_DEFAULT = true;

  public static final String SIGNAL_ENABLED_CONFIG = "signal.enabled";
  private static final String SIGNAL_ENABLED_DOC =
      "Accept signals (re-snapshot tables, stop, pause, resume the copy) written into the WAL by"
          + " the connector's signal function, pgcdc_signal_<slot.name>, which the task creates in"
          + " signal.schema; the REST extension's POST /pgcdc/connectors/NAME/snapshot calls it too."
          + " See docs/operations.md, Signals.";
  public static final String SIGNAL_ROLES_CONFIG = "signal.roles";
  private static final String SIGNAL_ROLES_DOC =
      "Roles (besides the connector's own user) that may send signals: the task grants them"
          + " EXECUTE on the signal function and revokes it from every other role. Members of a"
          + " role listed here may send signals too.";
  public static final String SIGNAL_PREFIX_CONFIG = "signal.prefix";
  private static final String SIGNAL_PREFIX_DOC =
      "The prefix of the logical decoding messages that carry signals. Messages with this prefix"
          + " never become records; one without a valid proof from the signal function is"
          + " ignored with a warning.";
  public static final String SIGNAL_PREFIX_DEFAULT = StreamObserver.SIGNAL_PREFIX;
  public static final String SIGNAL_SCHEMA_CONFIG = "signal.schema";
  private static final String SIGNAL_SCHEMA_DOC =
      "The schema of the signal function and of its key table (readable by the connector's user"
          + " alone); the connector's user needs CREATE on it.";
  private static final String SIGNAL_GROUP = "Signals";

  public static final String HEARTBEAT_INTERVAL_CONFIG = "heartbeat.interval.ms";
  private static final String HEARTBEAT_INTERVAL_DOC =
      "How often the task reports its confirmed position to the server. When the captured tables"
          + " are idle while the database writes other WAL, the slot is advanced to the server's"
          + " WAL position at this interval, so that the server can recycle WAL.";
  public static final long HEARTBEAT_INTERVAL_DEFAULT = 10_000L;

  public static final String SLOT_RETAINED_WAL_WARN_CONFIG = "slot.retained.wal.warn.bytes";
  private static final String SLOT_RETAINED_WAL_WARN_DOC =
      "The task logs a warning when its slot keeps more WAL than this on the server's disk"
          + " (pg_current_wal_lsn() - restart_lsn, sampled every heartbeat.interval.ms, also the"
          + " RetainedWalBytes metric). 0 turns the warning off.";
  public static final long SLOT_RETAINED_WAL_WARN_DEFAULT = 1L << 30;

  public static final String MAX_BATCH_SIZE_CONFIG = "max.batch.size";
  private static final String MAX_BATCH_SIZE_DOC = "Most records one poll() returns.";
  public static final int MAX_BATCH_SIZE_DEFAULT = 4096;

  public static final String POLL_INTERVAL_CONFIG = "poll.interval.ms";
  private static final String POLL_INTERVAL_DOC =
      "Longest time one poll() waits for changes before it returns what it has (maybe nothing).";
  public static final long POLL_INTERVAL_DEFAULT = 500L;

  public static final String STREAMING_BUFFER_CONFIG = "streaming.buffer.bytes";
  private static final String STREAMING_BUFFER_DOC =
      "Bytes of a large in-progress transaction streamed by the server (PostgreSQL 14+) that are"
          + " kept in memory; beyond this the transaction's messages are spilled to a temporary"
          + " file until its commit.";
  public static final long STREAMING_BUFFER_DEFAULT = 8L * 1024 * 1024;

  public static final String RETRY_BACKOFF_CONFIG = "retry.backoff.ms";
  private static final String RETRY_BACKOFF_DOC =
      "Wait before reconnecting after a transient error (lost connection, server restart).";
  public static final long RETRY_BACKOFF_DEFAULT = 1_000L;

  public static final String MAX_RETRIES_CONFIG = "max.retries";
  private static final String MAX_RETRIES_DOC =
      "Reconnect attempts in a row before the task fails.";
  public static final int MAX_RETRIES_DEFAULT = 30;

  /** What to do before streaming. */
  public enum SnapshotMode {
    INITIAL,
    NEVER,
    INITIAL_ONLY;

    static SnapshotMode parse(String text) {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
  }

  public static final ConfigDef CONFIG_DEF = configDef();

  public PostgresSourceConfig(Map<?, ?> originals) {
    super(CONFIG_DEF, originals);
  }

  private static ConfigDef configDef() {
    ConfigDef def = ValueOptions.addTo(ConnectionConfig.addTo(new ConfigDef()));
    int order = 0;
    def.define(
            TABLE_INCLUDE_LIST_CONFIG,
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString() {
              @Override
              public void ensureValid(String name, Object value) {
                List<?> list = (List<?>) value;
                if (list == null || list.isEmpty()) {
                  throw new ConfigException(
                      name, value, "list at least one table: schema.table, schema.* or *");
                }
                for (Object item : list) {
                  TableSelector.parse(name, item.toString());
                }
              }

              @Override
              public String toString() {
                return "schema.table, schema.* or *, comma-separated";
              }
            },
            Importance.HIGH,
            TABLE_INCLUDE_LIST_DOC,
            CAPTURE_GROUP,
            ++order,
            Width.LONG,
            "Tables")
        .define(
            SNAPSHOT_MODE_CONFIG,
            Type.STRING,
            SNAPSHOT_MODE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("initial", "never", "initial_only"),
            Importance.HIGH,
            SNAPSHOT_MODE_DOC,
            CAPTURE_GROUP,
            ++order,
            Width.SHORT,
            "Snapshot mode")
        .define(
            SNAPSHOT_MAX_THREADS_CONFIG,
            Type.INT,
            SNAPSHOT_MAX_THREADS_DEFAULT,
            ConfigDef.Range.between(1, 64),
            Importance.MEDIUM,
            SNAPSHOT_MAX_THREADS_DOC,
            CAPTURE_GROUP,
            ++order,
            Width.SHORT,
            "Snapshot threads")
        .define(
            TABLE_KEY_COLUMNS_CONFIG,
            Type.STRING,
            "",
            new ConfigDef.Validator() {
              @Override
              public void ensureValid(String name, Object value) {
                parseKeyColumns(name, value == null ? "" : value.toString());
              }

              @Override
              public String toString() {
                return "schema.table:col1,col2;schema.table2:col";
              }
            },
            Importance.MEDIUM,
            TABLE_KEY_COLUMNS_DOC,
            CAPTURE_GROUP,
            ++order,
            Width.LONG,
            "Key columns")
        .define(
            TOMBSTONES_ON_DELETE_CONFIG,
            Type.BOOLEAN,
            TOMBSTONES_ON_DELETE_DEFAULT,
            Importance.MEDIUM,
            TOMBSTONES_ON_DELETE_DOC,
            CAPTURE_GROUP,
            ++order,
            Width.SHORT,
            "Tombstones on delete")
        .define(
            CLEANUP_ON_DELETE_CONFIG,
            Type.BOOLEAN,
            CLEANUP_ON_DELETE_DEFAULT,
            Importance.MEDIUM,
            CLEANUP_ON_DELETE_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Clean up on delete");
    order = 0;
    def.define(
            TOPIC_PREFIX_CONFIG,
            Type.STRING,
            null,
            Importance.HIGH,
            TOPIC_PREFIX_DOC,
            TOPICS_GROUP,
            ++order,
            Width.MEDIUM,
            "Topic prefix")
        .define(
            TOPIC_TEMPLATE_CONFIG,
            Type.STRING,
            TOPIC_TEMPLATE_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            TOPIC_TEMPLATE_DOC,
            TOPICS_GROUP,
            ++order,
            Width.LONG,
            "Topic template")
        .define(
            MESSAGES_TOPIC_CONFIG,
            Type.STRING,
            MESSAGES_TOPIC_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            MESSAGES_TOPIC_DOC,
            TOPICS_GROUP,
            ++order,
            Width.LONG,
            "Messages topic");
    order = 0;
    def.define(
            SLOT_NAME_CONFIG,
            Type.STRING,
            null,
            new NameValidator(),
            Importance.MEDIUM,
            SLOT_NAME_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.MEDIUM,
            "Slot name")
        .define(
            PUBLICATION_NAME_CONFIG,
            Type.STRING,
            null,
            new NameValidator(),
            Importance.MEDIUM,
            PUBLICATION_NAME_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.MEDIUM,
            "Publication name")
        .define(
            HEARTBEAT_INTERVAL_CONFIG,
            Type.LONG,
            HEARTBEAT_INTERVAL_DEFAULT,
            ConfigDef.Range.atLeast(100),
            Importance.LOW,
            HEARTBEAT_INTERVAL_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Heartbeat interval (ms)")
        .define(
            SLOT_RETAINED_WAL_WARN_CONFIG,
            Type.LONG,
            SLOT_RETAINED_WAL_WARN_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            SLOT_RETAINED_WAL_WARN_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Retained WAL warning (bytes)")
        .define(
            STREAMING_BUFFER_CONFIG,
            Type.LONG,
            STREAMING_BUFFER_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            STREAMING_BUFFER_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Streamed transaction buffer (bytes)")
        .define(
            MAX_BATCH_SIZE_CONFIG,
            Type.INT,
            MAX_BATCH_SIZE_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            MAX_BATCH_SIZE_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Max batch size")
        .define(
            POLL_INTERVAL_CONFIG,
            Type.LONG,
            POLL_INTERVAL_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            POLL_INTERVAL_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Poll interval (ms)")
        .define(
            RETRY_BACKOFF_CONFIG,
            Type.LONG,
            RETRY_BACKOFF_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            RETRY_BACKOFF_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Retry backoff (ms)")
        .define(
            MAX_RETRIES_CONFIG,
            Type.INT,
            MAX_RETRIES_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            MAX_RETRIES_DOC,
            REPLICATION_GROUP,
            ++order,
            Width.SHORT,
            "Max retries")
        .define(
            SIGNAL_ENABLED_CONFIG,
            Type.BOOLEAN,
            false,
            Importance.LOW,
            SIGNAL_ENABLED_DOC,
            SIGNAL_GROUP,
            ++order,
            Width.SHORT,
            "Signals")
        .define(
            SIGNAL_ROLES_CONFIG,
            Type.LIST,
            "",
            Importance.LOW,
            SIGNAL_ROLES_DOC,
            SIGNAL_GROUP,
            ++order,
            Width.LONG,
            "Signal roles")
        .define(
            SIGNAL_PREFIX_CONFIG,
            Type.STRING,
            SIGNAL_PREFIX_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            SIGNAL_PREFIX_DOC,
            SIGNAL_GROUP,
            ++order,
            Width.MEDIUM,
            "Signal prefix")
        .define(
            SIGNAL_SCHEMA_CONFIG,
            Type.STRING,
            "public",
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            SIGNAL_SCHEMA_DOC,
            SIGNAL_GROUP,
            ++order,
            Width.MEDIUM,
            "Signal schema");
    return def;
  }

  /** Rejects names PostgreSQL would not take as an unquoted slot name: [a-z0-9_], 1-63. */
  private static final class NameValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && !value.toString().matches("[a-z0-9_]{1,63}")) {
        throw new ConfigException(
            name, value, "use 1 to 63 characters from a-z, 0-9 and _ (a replication slot name)");
      }
    }

    @Override
    public String toString() {
      return "[a-z0-9_]{1,63}";
    }
  }

  public ConnectionSettings connection(String applicationName) {
    return ConnectionConfig.settings(this, applicationName);
  }

  public String connectorName() {
    String name = originalsStrings().get(NAME_CONFIG);
    return name == null || name.isBlank() ? "pgcdc" : name;
  }

  public List<TableSelector> tableSelectors() {
    List<TableSelector> selectors = new ArrayList<>();
    for (String item : getList(TABLE_INCLUDE_LIST_CONFIG)) {
      selectors.add(TableSelector.parse(TABLE_INCLUDE_LIST_CONFIG, item));
    }
    return selectors;
  }

  public SnapshotMode snapshotMode() {
    return SnapshotMode.parse(getString(SNAPSHOT_MODE_CONFIG));
  }

  public int snapshotMaxThreads() {
    return getInt(SNAPSHOT_MAX_THREADS_CONFIG);
  }

  public String slotName() {
    String slot = getString(SLOT_NAME_CONFIG);
    return slot != null ? slot : sanitizedName("pgcdc_" + connectorName());
  }

  public String publicationName() {
    String publication = getString(PUBLICATION_NAME_CONFIG);
    return publication != null ? publication : slotName();
  }

  /**
   * The slot that a source connector with these raw settings reads, as {@link #slotName()} gives
   * it, without parsing (and so without needing) the other settings.
   */
  public static String slotName(Map<String, String> rawConfig) {
    String slot = trimmedOrNull(rawConfig.get(SLOT_NAME_CONFIG));
    if (slot != null) {
      return slot;
    }
    String name = trimmedOrNull(rawConfig.get(NAME_CONFIG));
    return sanitizedName("pgcdc_" + (name == null ? "pgcdc" : rawConfig.get(NAME_CONFIG)));
  }

  /** The publication of a source connector with these raw settings; see {@link #slotName(Map)}. */
  public static String publicationName(Map<String, String> rawConfig) {
    String publication = trimmedOrNull(rawConfig.get(PUBLICATION_NAME_CONFIG));
    return publication != null ? publication : slotName(rawConfig);
  }

  private static String trimmedOrNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  public String topicPrefix() {
    String prefix = getString(TOPIC_PREFIX_CONFIG);
    return prefix != null && !prefix.isBlank() ? prefix : connectorName();
  }

  public String topicTemplate() {
    return getString(TOPIC_TEMPLATE_CONFIG);
  }

  public String messagesTopicTemplate() {
    return getString(MESSAGES_TOPIC_CONFIG);
  }

  public boolean tombstonesOnDelete() {
    return getBoolean(TOMBSTONES_ON_DELETE_CONFIG);
  }

  public boolean cleanupOnDelete() {
    return getBoolean(CLEANUP_ON_DELETE_CONFIG);
  }

  public Map<TableId, List<String>> keyColumns() {
    return parseKeyColumns(TABLE_KEY_COLUMNS_CONFIG, getString(TABLE_KEY_COLUMNS_CONFIG));
  }

  public boolean signalsEnabled() {
    return getBoolean(SIGNAL_ENABLED_CONFIG);
  }

  public List<String> signalRoles() {
    return getList(SIGNAL_ROLES_CONFIG);
  }

  public String signalPrefix() {
    return getString(SIGNAL_PREFIX_CONFIG);
  }

  public String signalSchema() {
    return getString(SIGNAL_SCHEMA_CONFIG);
  }

  public Duration heartbeatInterval() {
    return Duration.ofMillis(getLong(HEARTBEAT_INTERVAL_CONFIG));
  }

  /** Retained WAL above which the task warns; 0: never. */
  public long slotRetainedWalWarnBytes() {
    return getLong(SLOT_RETAINED_WAL_WARN_CONFIG);
  }

  public Duration pollInterval() {
    return Duration.ofMillis(getLong(POLL_INTERVAL_CONFIG));
  }

  public int maxBatchSize() {
    return getInt(MAX_BATCH_SIZE_CONFIG);
  }

  public long streamingBufferBytes() {
    return getLong(STREAMING_BUFFER_CONFIG);
  }

  public Duration retryBackoff() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_CONFIG));
  }

  /** How column values become Connect values. */
  public ValueOptions valueOptions() {
    return ValueOptions.from(this);
  }

  public int maxRetries() {
    return getInt(MAX_RETRIES_CONFIG);
  }

  /**
   * Reduces a name to what PostgreSQL takes as a slot name: lower case, characters outside
   * [a-z0-9_] replaced by _, at most 63 characters.
   */
  static String sanitizedName(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
      b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return b.length() > 63 ? b.substring(0, 63) : b.toString();
  }

  /** Parses {@code schema.table:col1,col2;schema.other:col}. */
  static Map<TableId, List<String>> parseKeyColumns(String setting, String text) {
    Map<TableId, List<String>> keys = new LinkedHashMap<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new ConfigException(
            setting, text, "entry '" + entry.trim() + "' must look like schema.table:col1,col2");
      }
      TableId table;
      try {
        table = TableId.parse(entry.substring(0, colon), "public");
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting, text, e.getMessage());
      }
      List<String> columns = new ArrayList<>();
      for (String column : entry.substring(colon + 1).split(",")) {
        if (column.isBlank()) {
          throw new ConfigException(
              setting, text, "entry '" + entry.trim() + "' has an empty column name");
        }
        columns.add(column.trim());
      }
      keys.put(table, List.copyOf(columns));
    }
    return keys;
  }
}
