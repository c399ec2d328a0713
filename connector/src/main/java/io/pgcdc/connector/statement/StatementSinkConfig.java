package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.TableId;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The statement sink's settings: the connection, the statement templates (one for every change, or
 * one per operation), what a missing field means, and the offsets ledger that makes each record run
 * exactly once.
 */
public final class StatementSinkConfig extends AbstractConfig {
  static final String GROUP = "Statements";

  public static final String STATEMENT_CONFIG = "statement";
  private static final String STATEMENT_DOC =
      "The SQL run for each record: one statement, or several separated by ';' (run in order, for"
          + " each record, in the transaction of its batch). Named parameters take the record's"
          + " values, bound, never put into the SQL text: :value.FIELD (the row: the envelope's"
          + " after, or before for a delete; the value itself for a flat record), :key.FIELD,"
          + " :before.FIELD, :header.NAME, :op, :topic, :partition, :offset, :timestamp; nested"
          + " fields by path (:value.address.city). Used for inserts, reads, updates and deletes"
          + " (and flat records) that have no template of their own below.";

  public static final String INSERT_CONFIG = "statement.insert";
  private static final String INSERT_DOC =
      "The SQL for an insert or a snapshot read (op c or r) and for a flat record; default:"
          + " statement.";

  public static final String UPDATE_CONFIG = "statement.update";
  private static final String UPDATE_DOC = "The SQL for an update (op u); default: statement.";

  public static final String DELETE_CONFIG = "statement.delete";
  private static final String DELETE_DOC = "The SQL for a delete (op d); default: statement.";

  public static final String TOMBSTONE_CONFIG = "statement.tombstone";
  private static final String TOMBSTONE_DOC =
      "The SQL for a tombstone (a record with a key and a null value), which has only :key.*,"
          + " :header.* and the record's coordinates. Tombstones are skipped (and counted) when it"
          + " is not set.";

  public static final String MISSING_FIELD_CONFIG = "missing.field.mode";
  private static final String MISSING_FIELD_DOC =
      "What a parameter whose field the record lacks means: 'fail' (the record is an error that"
          + " names the field: to the dead letter queue with errors.tolerance=all, else the task"
          + " stops) or 'null' (bound as NULL). A field present with a null value is always NULL.";
  private static final String MISSING_FIELD_DEFAULT = "fail";

  public static final String EXACTLY_ONCE_CONFIG = "exactly.once";
  private static final String EXACTLY_ONCE_DOC =
      "Store the last applied (topic, partition, offset) in offsets.table, in the transaction of"
          + " the statements, and on every partition assignment rewind the consumer to it: a"
          + " record's statements run once, across crashes and rebalances. With false, Kafka's"
          + " committed offsets decide, and a crash can run a record's statements again.";

  public static final String OFFSETS_TABLE_CONFIG = "offsets.table";
  private static final String OFFSETS_TABLE_DOC =
      "The ledger table of exactly.once (schema.table; created if missing, shared by connectors:"
          + " a row per connector, topic and partition).";
  private static final String OFFSETS_TABLE_DEFAULT = "public.pgcdc_statement_offsets";

  public static final String SQL_FILES_CONFIG = "sql.files";
  private static final String SQL_FILES_DOC =
      "Paths, on the worker, of SQL scripts to run before the first record: in order, all in one"
          + " transaction, each once (a table keeps each file's SHA-256; a restart skips what ran)."
          + " A psql meta-command (\\i, \\copy, ...) or a BEGIN/COMMIT in a file is an error"
          + " before anything runs.";

  public static final String SQL_FILES_RERUN_CONFIG = "sql.files.rerun.changed";
  private static final String SQL_FILES_RERUN_DOC =
      "Run a file of sql.files again when it changed since it ran. By default a changed file is"
          + " an error that stops the task, since a script that ran once is rarely right to run"
          + " twice.";

  public static final String SQL_FILES_TABLE_CONFIG = "sql.files.table";
  private static final String SQL_FILES_TABLE_DOC =
      "The table (schema.table, created if missing) that keeps the path and SHA-256 of each file"
          + " of sql.files that ran.";
  private static final String SQL_FILES_TABLE_DEFAULT = "public.pgcdc_statement_files";

  /** What a missing field is bound as. */
  public enum MissingField {
    FAIL,
    NULL
  }

  static final ConfigDef CONFIG_DEF = configDef();

  public StatementSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    if (templateTexts().isEmpty()) {
      throw new ConfigException(
          STATEMENT_CONFIG,
          null,
          "give the SQL to run: "
              + STATEMENT_CONFIG
              + " for every record, or one of "
              + INSERT_CONFIG
              + ", "
              + UPDATE_CONFIG
              + ", "
              + DELETE_CONFIG
              + ", "
              + TOMBSTONE_CONFIG);
    }
  }

  public static ConfigDef configDef() {
    ConfigDef def = ConnectionConfig.addTo(new ConfigDef());
    int order = 0;
    def.define(
        STATEMENT_CONFIG,
        Type.STRING,
        null,
        Importance.HIGH,
        STATEMENT_DOC,
        GROUP,
        ++order,
        Width.LONG,
        "Statement");
    order = template(def, INSERT_CONFIG, INSERT_DOC, order, "Insert statement");
    order = template(def, UPDATE_CONFIG, UPDATE_DOC, order, "Update statement");
    order = template(def, DELETE_CONFIG, DELETE_DOC, order, "Delete statement");
    order = template(def, TOMBSTONE_CONFIG, TOMBSTONE_DOC, order, "Tombstone statement");
    def.define(
        MISSING_FIELD_CONFIG,
        Type.STRING,
        MISSING_FIELD_DEFAULT,
        ConfigDef.ValidString.in("fail", "null"),
        Importance.MEDIUM,
        MISSING_FIELD_DOC,
        GROUP,
        ++order,
        Width.SHORT,
        "Missing field");
    def.define(
        EXACTLY_ONCE_CONFIG,
        Type.BOOLEAN,
        true,
        Importance.HIGH,
        EXACTLY_ONCE_DOC,
        GROUP,
        ++order,
        Width.SHORT,
        "Exactly once");
    def.define(
        OFFSETS_TABLE_CONFIG,
        Type.STRING,
        OFFSETS_TABLE_DEFAULT,
        OffsetLedger.TABLE_NAME,
        Importance.MEDIUM,
        OFFSETS_TABLE_DOC,
        GROUP,
        ++order,
        Width.MEDIUM,
        "Offsets table");
    defineSqlFiles(def, order);
    return def;
  }

  private static void defineSqlFiles(ConfigDef def, int order) {
    def.define(
        SQL_FILES_CONFIG,
        Type.LIST,
        "",
        Importance.MEDIUM,
        SQL_FILES_DOC,
        GROUP,
        order + 1,
        Width.LONG,
        "SQL files");
    def.define(
        SQL_FILES_RERUN_CONFIG,
        Type.BOOLEAN,
        false,
        Importance.LOW,
        SQL_FILES_RERUN_DOC,
        GROUP,
        order + 2,
        Width.SHORT,
        "Rerun changed SQL files");
    def.define(
        SQL_FILES_TABLE_CONFIG,
        Type.STRING,
        SQL_FILES_TABLE_DEFAULT,
        OffsetLedger.TABLE_NAME,
        Importance.LOW,
        SQL_FILES_TABLE_DOC,
        GROUP,
        order + 3,
        Width.MEDIUM,
        "SQL files table");
  }

  /** The {@code sql.files} with their checksum table. */
  SqlFiles sqlFiles() {
    return new SqlFiles(
        getList(SQL_FILES_CONFIG),
        TableId.parse(getString(SQL_FILES_TABLE_CONFIG), "public"),
        getBoolean(SQL_FILES_RERUN_CONFIG));
  }

  private static int template(ConfigDef def, String name, String doc, int order, String label) {
    def.define(
        name, Type.STRING, null, Importance.MEDIUM, doc, GROUP, order + 1, Width.LONG, label);
    return order + 1;
  }

  /** The SQL text of each operation that has a template (blank settings count as not set). */
  public Map<Operation, String> templateTexts() {
    Map<Operation, String> texts = new EnumMap<>(Operation.class);
    String all = text(STATEMENT_CONFIG);
    for (Operation op : Operation.values()) {
      String own = op.setting() == null ? null : text(op.setting());
      String text = own != null ? own : op.usesDefaultStatement() ? all : null;
      if (text != null) {
        texts.put(op, text);
      }
    }
    return texts;
  }

  /** The setting that gives {@code op}'s SQL. */
  public String settingOf(Operation op) {
    return op.setting() != null && text(op.setting()) != null ? op.setting() : STATEMENT_CONFIG;
  }

  private String text(String setting) {
    String v = getString(setting);
    return v == null || v.isBlank() ? null : v;
  }

  public MissingField missingField() {
    return MissingField.valueOf(getString(MISSING_FIELD_CONFIG).toUpperCase(Locale.ROOT));
  }

  public boolean exactlyOnce() {
    return getBoolean(EXACTLY_ONCE_CONFIG);
  }

  public TableId offsetsTable() {
    return TableId.parse(getString(OFFSETS_TABLE_CONFIG), "public");
  }

  public ConnectionSettings connection(String applicationName) {
    return ConnectionConfig.settings(this, applicationName);
  }
}
