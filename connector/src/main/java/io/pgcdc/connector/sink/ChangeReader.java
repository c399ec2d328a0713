package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig.PrimaryKeyMode;
import io.pgcdc.connector.sink.RowChange.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a record into a {@link RowChange}: our CDC envelope or another producer's with the same
 * field names ({@code before}, {@code after}, {@code source}, {@code op}), a flat row (struct or
 * schemaless map), or a tombstone. Returns null for records that are deliberately skipped (op
 * {@code m}, deletes or truncates when disabled), counted for the debug log.
 */
final class ChangeReader {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeReader.class);

  /**
   * The field of the source block (or of the envelope) that lists the unchanged TOAST columns our
   * source leaves out of after.
   */
  static final String UNCHANGED_TOAST_FIELD = "unchanged_toast_columns";

  /** Debezium's headers of a key change: the delete names the new key, the create the old one. */
  static final String NEW_KEY_HEADER = "__debezium.newkey";

  static final String OLD_KEY_HEADER = "__debezium.oldkey";

  /** The string Debezium sends in place of an unchanged TOAST value. */
  static final String DEBEZIUM_UNAVAILABLE = "__debezium_unavailable_value";

  private static final byte[] DEBEZIUM_UNAVAILABLE_BYTES =
      DEBEZIUM_UNAVAILABLE.getBytes(StandardCharsets.UTF_8);

  /** The primary key columns of primary.key.mode=kafka. */
  static final List<ColumnSpec> KAFKA_COLUMNS =
      List.of(
          new ColumnSpec("__connect_topic", "text", Schema.STRING_SCHEMA),
          new ColumnSpec("__connect_partition", "integer", Schema.INT32_SCHEMA),
          new ColumnSpec("__connect_offset", "bigint", Schema.INT64_SCHEMA));

  private final TableNameTemplate template;
  private final TableAllowList allowList;
  private final Pattern topicRegex;
  private final String topicReplacement;
  private final PrimaryKeyMode keyMode;
  private final List<String> keyFields;
  private final boolean deleteEnabled;
  private final boolean truncateEnabled;
  private final Map<String, String> renamedTopics = new HashMap<>();
  private final Map<String, TableId> tablesByTopic = new HashMap<>();
  private final Map<Schema, List<ColumnSpec>> specsBySchema = new IdentityHashMap<>();
  private final Map<String, ColumnSpec> specsByName = new HashMap<>();
  private final MapShapes mapShapes = new MapShapes();
  private final MapPlan[] mapPlans = new MapPlan[4];
  private int nextMapPlan;
  private final Map<String, Long> skipped = new TreeMap<>();
  private List<ColumnSpec> lastColumns;
  private String lastTopic;
  private TableId lastTable;

  ChangeReader(PostgresSinkConfig config) {
    this.template = TableNameTemplate.parse(config.tableNameFormat());
    this.allowList = config.tableAllowList(template);
    this.topicRegex = config.topicRegex();
    this.topicReplacement = config.topicReplacement();
    this.keyMode = config.primaryKeyMode();
    this.keyFields = config.primaryKeyFields();
    this.deleteEnabled = config.deleteEnabled();
    this.truncateEnabled = config.truncateEnabled();
  }

  /** The change a record asks for, or null when it is skipped by design. */
  RowChange read(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      return tombstone(record);
    }
    Row envelope = envelopeOf(value);
    if (envelope == null) {
      if (value instanceof Map<?, ?> map && flatMapsFit(record)) {
        RowChange change = flatMapUpsert(record, (Map<?, ?>) record.key(), map);
        if (change != null) {
          return change;
        }
      }
      Row row = Row.of(value, "the record value");
      return upsert(record, row, null, Set.of());
    }
    Object op = envelope.get("op");
    if (!(op instanceof String opText)) {
      throw new BadRecordException(
          "the envelope's field 'op' must be a string such as \"c\", \"u\" or \"d\", got " + op);
    }
    Row source = Row.ofNullable(envelope.get("source"), "the envelope's field 'source'");
    switch (opText) {
      case "c", "r", "u" -> {
        Row after = Row.ofNullable(envelope.get("after"), "the envelope's field 'after'");
        if (after == null) {
          throw new BadRecordException("a change with op '" + opText + "' has no 'after' row");
        }
        RowChange change = upsert(record, after, source, unchangedColumns(envelope, source));
        return opText.equals("c") ? movedFrom(change, record, envelope) : change;
      }
      case "d" -> {
        if (!deleteEnabled) {
          return skip("delete events (delete.enabled=false)");
        }
        if (isKeyMove(record)) {
          return skip("deletes of key changes (the create that follows moves the row)");
        }
        Row before = Row.ofNullable(envelope.get("before"), "the envelope's field 'before'");
        return delete(record, before, source);
      }
      case "t" -> {
        if (!truncateEnabled) {
          return skip("truncate events (truncate.enabled=false)");
        }
        TableId table = table(record, null, source);
        return new RowChange(
            record, table, Kind.TRUNCATE, null, List.of(), new Object[0], 0, Set.of(), null, null);
      }
      case "m" -> {
        return skip("logical decoding messages (op m)");
      }
      default ->
          throw new BadRecordException(
              "the envelope's field 'op' has the unknown value '"
                  + opText
                  + "': expected c, r, u, d, t or m");
    }
  }

  /** Skip counts by reason since the last call; logged at debug by the task. */
  Map<String, Long> drainSkipped() {
    Map<String, Long> copy = new TreeMap<>(skipped);
    skipped.clear();
    return copy;
  }

  /**
   * True when a flat schemaless row may take {@link #flatMapUpsert}: the key is a JSON object whose
   * fields are the key columns, and the table name needs nothing of the row.
   */
  private boolean flatMapsFit(SinkRecord record) {
    return keyMode == PrimaryKeyMode.RECORD_KEY
        && keyFields.isEmpty()
        && record.key() instanceof Map<?, ?>
        && template.dependsOnTopicOnly();
  }

  /**
   * The upsert of a flat schemaless row with a schemaless key, read in one pass over each map by a
   * plan made for the first row of the same shape (the same field names in the same order): the
   * values go straight into the change's array, and rows of one shape share one column list. Null
   * when no plan fits (a new shape) or the row needs the general path (Debezium's placeholder for
   * an unchanged value); {@link #upsert} then reads the row, with the same result.
   */
  private RowChange flatMapUpsert(SinkRecord record, Map<?, ?> key, Map<?, ?> row) {
    MapPlan plan = null;
    Object[] values = null;
    for (int i = 0; i < mapPlans.length && values == null; i++) {
      plan = mapPlans[i];
      values = plan == null ? null : plan.values(key, row);
    }
    if (values == null) {
      plan = MapPlan.of(key, row, specsBySchema, specsByName, mapShapes);
      if (plan == null) {
        return null;
      }
      mapPlans[nextMapPlan] = plan;
      nextMapPlan = (nextMapPlan + 1) % mapPlans.length;
      values = plan.values(key, row);
      if (values == null) {
        return null;
      }
    }
    int keyCount = plan.keyNames.length;
    for (int i = 0; i < keyCount; i++) {
      requireKeyValue(plan.keyNames[i], values[i]);
    }
    for (int i = keyCount; i < values.length; i++) {
      if (isDebeziumPlaceholder(values[i])) {
        return null;
      }
    }
    TableId table = table(record, null, null);
    lastColumns = plan.columns;
    return new RowChange(
        record,
        table,
        Kind.UPSERT,
        keyText(plan.columns, Arrays.asList(values), keyCount),
        plan.columns,
        values,
        keyCount,
        Set.of(),
        null,
        null);
  }

  /**
   * How the fields of a schemaless key and row of one shape map to a change's columns: the key
   * fields first, then the row fields that are not key fields, in the maps' order.
   */
  private record MapPlan(
      String[] keyNames, String[] rowNames, int[] columnOfRowField, List<ColumnSpec> columns) {
    static MapPlan of(
        Map<?, ?> key,
        Map<?, ?> row,
        Map<Schema, List<ColumnSpec>> bySchema,
        Map<String, ColumnSpec> byName,
        MapShapes shapes) {
      Row keyRow = Row.of(key, "the record key");
      Row valueRow = Row.of(row, "the record value");
      if (keyRow.names.length == 0) {
        return null; // the general path says what is wrong
      }
      List<ColumnSpec> columns = new ArrayList<>(keyRow.columns(bySchema, byName, shapes));
      List<ColumnSpec> rowSpecs = valueRow.columns(bySchema, byName, shapes);
      int[] columnOf = new int[rowSpecs.size()];
      for (int i = 0; i < columnOf.length; i++) {
        boolean isKey = Arrays.asList(keyRow.names).contains(valueRow.names[i]);
        columnOf[i] = isKey ? -1 : columns.size();
        if (!isKey) {
          columns.add(rowSpecs.get(i));
        }
      }
      return new MapPlan(keyRow.names, valueRow.names, columnOf, List.copyOf(columns));
    }

    /** The values in column order, or null when the maps do not have this plan's shape. */
    Object[] values(Map<?, ?> key, Map<?, ?> row) {
      if (key.size() != keyNames.length || row.size() != rowNames.length) {
        return null;
      }
      Object[] values = new Object[columns.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : key.entrySet()) {
        if (!sameName(keyNames[i], e.getKey())) {
          return null;
        }
        values[i++] = e.getValue();
      }
      i = 0;
      for (Map.Entry<?, ?> e : row.entrySet()) {
        if (!sameName(rowNames[i], e.getKey())) {
          return null;
        }
        int column = columnOfRowField[i++];
        if (column >= 0) {
          values[column] = e.getValue();
        }
      }
      return values;
    }

    /** JSON parsers hand out one canonical string per field name: mostly an identity check. */
    private static boolean sameName(String name, Object field) {
      return name == field || name.equals(field);
    }
  }

  private RowChange skip(String reason) {
    skipped.merge(reason, 1L, Long::sum);
    if (LOG.isTraceEnabled()) {
      LOG.trace("Skipping a record: {}", reason);
    }
    return null;
  }

  private RowChange tombstone(SinkRecord record) {
    if (!deleteEnabled) {
      return skip("tombstones (delete.enabled=false)");
    }
    if (keyMode != PrimaryKeyMode.RECORD_KEY) {
      return skip("tombstones (the key comes from the value, which a tombstone lacks)");
    }
    if (template.needsValue()) {
      // The table name needs the value or the source block; a CDC producer sends the delete
      // event itself just before its tombstone, and that event did the delete.
      return skip("tombstones (table.name.format needs the value to name the table)");
    }
    if (record.key() == null) {
      throw new BadRecordException("the record has neither a key nor a value");
    }
    if (isKeyMove(record)) {
      return skip("tombstones of key changes (the create that follows moves the row)");
    }
    return delete(record, null, null);
  }

  /**
   * True for the delete (and tombstone) of a key change, which the create that follows carries out
   * by moving the row: deleting it first would lose the values that the create leaves out.
   */
  private boolean isKeyMove(SinkRecord record) {
    return movesRows() && record.headers().lastWithName(NEW_KEY_HEADER) != null;
  }

  /** Key changes move rows where the target's key comes from the record (key or row). */
  private boolean movesRows() {
    return deleteEnabled
        && (keyMode == PrimaryKeyMode.RECORD_KEY || keyMode == PrimaryKeyMode.RECORD_VALUE);
  }

  /**
   * The create as the move of the row at its old key, when the create is the second half of a key
   * change: our source sends the old row in {@code before}, Debezium the old key in the header
   * {@code __debezium.oldkey}. Otherwise the create as it is.
   */
  private RowChange movedFrom(RowChange change, SinkRecord record, Row envelope) {
    int keyCount = change.keyCount();
    if (!movesRows() || keyCount == 0) {
      return change;
    }
    String where = "the envelope's field 'before'";
    Row old = Row.ofNullable(envelope.get("before"), where);
    if (old == null) {
      Header header = record.headers().lastWithName(OLD_KEY_HEADER);
      if (header == null || header.value() == null) {
        return change;
      }
      where = "the header " + OLD_KEY_HEADER;
      old = Row.of(header.value(), where);
    }
    List<ColumnSpec> specs = old.columns(specsBySchema, specsByName, mapShapes);
    List<ColumnSpec> columns = new ArrayList<>(keyCount);
    Object[] values = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      String name = change.columns().get(i).name();
      int at = old.indexOf(name);
      if (at < 0) {
        throw new BadRecordException(
            "the create of a key change gives its old key in "
                + where
                + ", which lacks the key column '"
                + name
                + "'");
      }
      columns.add(specs.get(at));
      values[i] = requireKeyValue(name, old.value(at));
    }
    String oldKey = keyText(columns, Arrays.asList(values), keyCount);
    if (oldKey.equals(change.key())) {
      return change;
    }
    return change.withOldKey(new RowChange.OldKey(oldKey, List.copyOf(columns), values));
  }

  private RowChange delete(SinkRecord record, Row before, Row source) {
    List<ColumnSpec> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    keyColumns(record, before, columns, values);
    TableId table = table(record, before, source);
    return new RowChange(
        record,
        table,
        Kind.DELETE,
        keyText(columns, values, columns.size()),
        columns,
        values.toArray(),
        columns.size(),
        Set.of(),
        null,
        null);
  }

  private RowChange upsert(SinkRecord record, Row row, Row source, Set<String> unchanged) {
    List<ColumnSpec> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    keyColumns(record, row, columns, values);
    int keyCount = columns.size();
    Set<String> unchangedHere = unchanged;
    List<ColumnSpec> rowColumns = row.columns(specsBySchema, specsByName, mapShapes);
    for (int i = 0; i < rowColumns.size(); i++) {
      ColumnSpec spec = rowColumns.get(i);
      if (isKeyColumn(columns, keyCount, spec.name()) || unchanged.contains(spec.name())) {
        continue;
      }
      Object v = row.value(i);
      if (isDebeziumPlaceholder(v)) {
        if (unchangedHere == unchanged) {
          unchangedHere = new HashSet<>(unchanged);
        }
        unchangedHere.add(spec.name());
        continue;
      }
      columns.add(spec);
      values.add(v);
    }
    TableId table = table(record, row, source);
    String key = keyCount == 0 ? null : keyText(columns, values, keyCount);
    return new RowChange(
        record,
        table,
        Kind.UPSERT,
        key,
        sharedColumns(columns),
        values.toArray(),
        keyCount,
        unchangedHere,
        null,
        null);
  }

  /**
   * The list of the previous upsert when it holds the same column specs, else {@code columns}:
   * consecutive rows of one shape share one list, so that the writer checks and resolves a shape
   * once (by identity) rather than once per row.
   */
  private List<ColumnSpec> sharedColumns(List<ColumnSpec> columns) {
    List<ColumnSpec> last = lastColumns;
    if (last != null && last.size() == columns.size()) {
      boolean same = true;
      for (int i = 0; i < columns.size() && same; i++) {
        same = last.get(i) == columns.get(i);
      }
      if (same) {
        return last;
      }
    }
    lastColumns = List.copyOf(columns);
    return lastColumns;
  }

  private static boolean isKeyColumn(List<ColumnSpec> columns, int keyCount, String name) {
    for (int i = 0; i < keyCount; i++) {
      if (columns.get(i).name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDebeziumPlaceholder(Object v) {
    if (v instanceof String s) {
      return s.equals(DEBEZIUM_UNAVAILABLE);
    }
    if (v instanceof byte[] b) {
      return Arrays.equals(b, DEBEZIUM_UNAVAILABLE_BYTES);
    }
    if (v instanceof ByteBuffer b) {
      return b.equals(ByteBuffer.wrap(DEBEZIUM_UNAVAILABLE_BYTES));
    }
    return false;
  }

  /** Appends the primary key columns as primary.key.mode says. */
  private void keyColumns(
      SinkRecord record, Row row, List<ColumnSpec> columns, List<Object> values) {
    switch (keyMode) {
      case NONE -> {}
      case KAFKA -> {
        columns.addAll(KAFKA_COLUMNS);
        values.add(record.topic());
        values.add(record.kafkaPartition());
        values.add(record.kafkaOffset());
      }
      case RECORD_VALUE -> {
        if (row == null) {
          throw new BadRecordException(
              "the delete event has no 'before' row to read the key fields " + keyFields + " from");
        }
        for (String name : keyFields) {
          int i = row.indexOf(name);
          if (i < 0) {
            throw new BadRecordException(
                "the row has no field '" + name + "' named in primary.key.fields");
          }
          columns.add(row.columns(specsBySchema, specsByName, mapShapes).get(i));
          values.add(requireKeyValue(name, row.value(i)));
        }
      }
      case RECORD_KEY -> {
        Object key = record.key();
        if (key == null) {
          throw new BadRecordException(
              "the record has no key, but primary.key.mode=record_key takes the primary key from"
                  + " it");
        }
        if (key instanceof Struct || key instanceof Map<?, ?>) {
          Row keyRow = Row.of(key, "the record key");
          List<ColumnSpec> keySpecs = keyRow.columns(specsBySchema, specsByName, mapShapes);
          if (keyFields.isEmpty()) {
            for (int i = 0; i < keySpecs.size(); i++) {
              columns.add(keySpecs.get(i));
              values.add(requireKeyValue(keySpecs.get(i).name(), keyRow.value(i)));
            }
          } else {
            for (String name : keyFields) {
              int i = keyRow.indexOf(name);
              if (i < 0) {
                throw new BadRecordException(
                    "the record key has no field '" + name + "' named in primary.key.fields");
              }
              columns.add(keySpecs.get(i));
              values.add(requireKeyValue(name, keyRow.value(i)));
            }
          }
          if (columns.isEmpty()) {
            throw new BadRecordException("the record key has no fields");
          }
        } else {
          if (keyFields.size() != 1) {
            throw new BadRecordException(
                "the record key is a single value, so primary.key.fields must name its one"
                    + " column (it names "
                    + keyFields.size()
                    + ")");
          }
          columns.add(ColumnSpec.of(keyFields.get(0), record.keySchema()));
          values.add(key);
        }
      }
      default -> throw new IllegalStateException(keyMode.toString());
    }
  }

  private static Object requireKeyValue(String name, Object value) {
    if (value == null) {
      throw new BadRecordException("the primary key column '" + name + "' is null");
    }
    return value;
  }

  /** The key columns' text joined by NUL, which no PostgreSQL text contains. */
  private static String keyText(List<ColumnSpec> columns, List<Object> values, int keyCount) {
    if (keyCount == 1) {
      return PgText.render(values.get(0), columns.get(0).schema(), PgText.Target.OTHER);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyCount; i++) {
      if (i > 0) {
        sb.append('\0');
      }
      sb.append(PgText.render(values.get(i), columns.get(i).schema(), PgText.Target.OTHER));
    }
    return sb.toString();
  }

  private TableId table(SinkRecord record, Row row, Row source) {
    if (!template.dependsOnTopicOnly()) {
      return render(renamedTopic(record.topic()), record, row, source);
    }
    if (record.topic() == lastTopic) {
      return lastTable; // consecutive records of one partition share the topic string
    }
    String topic = renamedTopic(record.topic());
    TableId cached = tablesByTopic.get(topic);
    if (cached == null) {
      cached = render(topic, record, row, source);
      tablesByTopic.put(topic, cached);
    }
    lastTopic = record.topic();
    lastTable = cached;
    return cached;
  }

  /** The record's target table, once it is known to be allowed. */
  private TableId render(String topic, SinkRecord record, Row row, Row source) {
    TableId table = renderName(topic, record, row, source);
    if (!allowList.allows(table)) {
      throw new BadRecordException(allowList.rejection(table));
    }
    return table;
  }

  private TableId renderName(String topic, SinkRecord record, Row row, Row source) {
    try {
      return template.render(
          name -> {
            if (name.equals("topic")) {
              return topic;
            }
            if (name.startsWith("source.")) {
              if (source == null) {
                throw new BadRecordException(
                    "table.name.format uses ${"
                        + name
                        + "}, but the record has no envelope 'source' block");
              }
              return placeholderText(name, source.get(name.substring(7)));
            }
            if (name.startsWith("key.")) {
              Object key = record.key();
              if (!(key instanceof Struct || key instanceof Map<?, ?>)) {
                throw new BadRecordException(
                    "table.name.format uses ${" + name + "}, but the record key is not a struct");
              }
              return placeholderText(name, Row.of(key, "the record key").get(name.substring(4)));
            }
            if (row == null) {
              throw new BadRecordException(
                  "table.name.format uses ${" + name + "}, but the record has no row value");
            }
            return placeholderText(name, row.get(name.substring(6)));
          });
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(
          "table.name.format '" + template.format() + "' gives no table name: " + e.getMessage());
    }
  }

  private static String placeholderText(String name, Object value) {
    if (value == null) {
      throw new BadRecordException(
          "table.name.format uses ${" + name + "}, which is missing or null in the record");
    }
    return value.toString();
  }

  private String renamedTopic(String topic) {
    if (topicRegex == null) {
      return topic;
    }
    return renamedTopics.computeIfAbsent(
        topic,
        t -> {
          Matcher m = topicRegex.matcher(t);
          return m.matches() ? m.replaceFirst(topicReplacement) : t;
        });
  }

  /** The unchanged TOAST columns, listed in the source block (ours) or in the envelope. */
  private static Set<String> unchangedColumns(Row envelope, Row source) {
    Object listed = source == null ? null : source.get(UNCHANGED_TOAST_FIELD);
    if (listed == null) {
      listed = envelope.get(UNCHANGED_TOAST_FIELD);
    }
    if (listed == null) {
      return Set.of();
    }
    if (!(listed instanceof Collection<?> names)) {
      throw new BadRecordException(
          "the envelope's field '" + UNCHANGED_TOAST_FIELD + "' must be an array of column names");
    }
    if (names.isEmpty()) {
      return Set.of();
    }
    Set<String> set = new HashSet<>();
    for (Object name : names) {
      set.add(String.valueOf(name));
    }
    return set;
  }

  /** The value as an envelope (it has 'op' and 'before' or 'after'), or null for a flat row. */
  private static Row envelopeOf(Object value) {
    if (value instanceof Struct s) {
      Schema schema = s.schema();
      if (schema.field("op") != null
          && (schema.field("after") != null || schema.field("before") != null)) {
        return Row.of(s, "the record value");
      }
      return null;
    }
    if (value instanceof Map<?, ?> m) {
      if (m.containsKey("op") && (m.containsKey("after") || m.containsKey("before"))) {
        return Row.of(m, "the record value");
      }
      return null;
    }
    throw new BadRecordException(
        "the record value is a "
            + value.getClass().getSimpleName()
            + ", not a struct or a JSON object: use a converter that gives structs (JSON with"
            + " schemas, Avro, ...) or JSON objects (schemas.enable=false)");
  }

  /**
   * The column specs of the last few schemaless row shapes, found by the identity of the field name
   * strings (JSON parsers hand out one canonical string per field name), so that a row of a known
   * shape costs no lookups by name.
   */
  static final class MapShapes {
    private final String[][] names = new String[4][];
    private final List<?>[] specs = new List<?>[4];
    private int next;

    @SuppressWarnings("unchecked")
    List<ColumnSpec> find(String[] fieldNames) {
      for (int slot = 0; slot < names.length; slot++) {
        String[] known = names[slot];
        if (known != null && sameStrings(known, fieldNames)) {
          return (List<ColumnSpec>) specs[slot];
        }
      }
      return null;
    }

    void remember(String[] fieldNames, List<ColumnSpec> columnSpecs) {
      names[next] = fieldNames;
      specs[next] = columnSpecs;
      next = (next + 1) % names.length;
    }

    private static boolean sameStrings(String[] a, String[] b) {
      if (a.length != b.length) {
        return false;
      }
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** A struct or a schemaless map, read by field name or by position. */
  private record Row(Struct struct, Map<?, ?> map, String[] names, Object[] values) {
    static Row of(Object value, String what) {
      Row row = ofNullable(value, what);
      if (row == null) {
        throw new BadRecordException(what + " is null");
      }
      return row;
    }

    static Row ofNullable(Object value, String what) {
      if (value == null) {
        return null;
      }
      if (value instanceof Struct s) {
        return new Row(s, null, null, null);
      }
      if (value instanceof Map<?, ?> m) {
        String[] names = new String[m.size()];
        Object[] values = new Object[m.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String name)) {
            throw new BadRecordException(what + " has a non-string field name: " + e.getKey());
          }
          names[i] = name;
          values[i++] = e.getValue();
        }
        return new Row(null, m, names, values);
      }
      throw new BadRecordException(
          what + " must be a struct or a JSON object, got " + value.getClass().getSimpleName());
    }

    Object get(String name) {
      if (struct != null) {
        Field f = struct.schema().field(name);
        return f == null ? null : struct.get(f);
      }
      return map.get(name);
    }

    List<ColumnSpec> columns(
        Map<Schema, List<ColumnSpec>> bySchema, Map<String, ColumnSpec> byName) {
      if (struct != null) {
        Schema schema = struct.schema();
        List<ColumnSpec> specs = bySchema.get(schema);
        if (specs == null) {
          if (bySchema.size() > 10_000) {
            bySchema.clear();
          }
          specs = schema.fields().stream().map(f -> ColumnSpec.of(f.name(), f.schema())).toList();
          bySchema.put(schema, specs);
        }
        return specs;
      }
      if (byName.size() > 10_000) {
        byName.clear();
      }
      ColumnSpec[] specs = new ColumnSpec[names.length];
      for (int i = 0; i < names.length; i++) {
        specs[i] = byName.computeIfAbsent(names[i], n -> new ColumnSpec(n, null, null));
      }
      return Arrays.asList(specs);
    }

    /** Like {@link #columns}, reusing the specs of an earlier map with the same name strings. */
    List<ColumnSpec> columns(
        Map<Schema, List<ColumnSpec>> bySchema, Map<String, ColumnSpec> byName, MapShapes shapes) {
      if (struct != null) {
        return columns(bySchema, byName);
      }
      List<ColumnSpec> specs = shapes.find(names);
      if (specs == null) {
        specs = List.copyOf(columns(bySchema, byName));
        shapes.remember(names, specs);
      }
      return specs;
    }

    int indexOf(String name) {
      if (struct != null) {
        Field f = struct.schema().field(name);
        return f == null ? -1 : f.index();
      }
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    Object value(int index) {
      if (struct != null) {
        return struct.get(struct.schema().fields().get(index));
      }
      return values[index];
    }
  }
}
