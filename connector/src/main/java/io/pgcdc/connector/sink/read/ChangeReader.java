package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig;
import io.pgcdc.connector.sink.PostgresSinkConfig.PrimaryKeyMode;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.change.RowChange.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a record into a {@link RowChange}: our CDC envelope or another producer's with the same
 * field names ({@code before}, {@code after}, {@code source}, {@code op}), a flat row (struct or
 * schemaless map), or a tombstone. Returns null for records that are deliberately skipped (op
 * {@code m}, deletes or truncates when disabled), counted for the debug log. The key comes from
 * {@link KeyColumns}, the table from {@link TableRouter}, key changes are read by {@link KeyMoves},
 * values that a typed field could not hold from {@link TextValues} (the source block's {@code
 * text_values}).
 */
public final class ChangeReader {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeReader.class);

  /**
   * The field of the source block (or of the envelope) that lists the unchanged TOAST columns our
   * source leaves out of after.
   */
  public static final String UNCHANGED_TOAST_FIELD = "unchanged_toast_columns";

  /** The string Debezium sends in place of an unchanged TOAST value. */
  public static final String DEBEZIUM_UNAVAILABLE = "__debezium_unavailable_value";

  private static final byte[] DEBEZIUM_UNAVAILABLE_BYTES =
      DEBEZIUM_UNAVAILABLE.getBytes(StandardCharsets.UTF_8);

  private final TableNameTemplate template;
  private final TableRouter router;
  private final ColumnSpecs specs = new ColumnSpecs();
  private final KeyColumns keys;
  private final KeyMoves moves;
  private final FlatMaps flatMaps = new FlatMaps(specs);
  private final boolean deleteEnabled;
  private final boolean truncateEnabled;
  private final Map<String, Long> skipped = new TreeMap<>();
  private List<ColumnSpec> lastColumns;

  public ChangeReader(PostgresSinkConfig config) {
    this.template = TableNameTemplate.parse(config.tableNameFormat());
    this.router = new TableRouter(config, template);
    this.keys = new KeyColumns(config, specs);
    this.deleteEnabled = config.deleteEnabled();
    this.truncateEnabled = config.truncateEnabled();
    this.moves = new KeyMoves(deleteEnabled, config.primaryKeyMode(), specs);
  }

  /** The change a record asks for, or null when it is skipped by design. */
  public RowChange read(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      return tombstone(record);
    }
    Row envelope = envelopeOf(value);
    if (envelope != null) {
      return readEnvelope(record, envelope);
    }
    if (value instanceof Map<?, ?> map && flatMapsFit(record)) {
      RowChange change = flatMapUpsert(record, (Map<?, ?>) record.key(), map);
      if (change != null) {
        return change;
      }
    }
    return upsert(record, Row.of(value, "the record value"), null, Set.of());
  }

  private RowChange readEnvelope(SinkRecord record, Row envelope) {
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
        return opText.equals("c") ? moves.movedFrom(change, record, envelope) : change;
      }
      case "d" -> {
        if (!deleteEnabled) {
          return skip("delete events (delete.enabled=false)");
        }
        if (moves.isMoveDelete(record)) {
          return skip("deletes of key changes (the create that follows moves the row)");
        }
        Row before = Row.ofNullable(envelope.get("before"), "the envelope's field 'before'");
        return delete(record, before, source);
      }
      case "t" -> {
        if (!truncateEnabled) {
          return skip("truncate events (truncate.enabled=false)");
        }
        TableId table = router.table(record, null, source);
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
  public Map<String, Long> drainSkipped() {
    Map<String, Long> copy = new TreeMap<>(skipped);
    skipped.clear();
    return copy;
  }

  /**
   * True when a flat schemaless row may take {@link #flatMapUpsert}: the key is a JSON object whose
   * fields are the key columns, and the table name needs nothing of the row.
   */
  private boolean flatMapsFit(SinkRecord record) {
    return keys.allOfTheRecordKey()
        && record.key() instanceof Map<?, ?>
        && template.dependsOnTopicOnly();
  }

  /**
   * The upsert of a flat schemaless row with a schemaless key, read by {@link FlatMaps}. Null when
   * no plan fits (a new shape) or the row needs the general path (Debezium's placeholder for an
   * unchanged value); {@link #upsert} then reads the row, with the same result.
   */
  private RowChange flatMapUpsert(SinkRecord record, Map<?, ?> key, Map<?, ?> row) {
    Object[] values = flatMaps.values(key, row);
    if (values == null) {
      return null;
    }
    int keyCount = flatMaps.keyCount();
    for (int i = 0; i < keyCount; i++) {
      KeyColumns.requireValue(flatMaps.keyName(i), values[i]);
    }
    for (int i = keyCount; i < values.length; i++) {
      if (isDebeziumPlaceholder(values[i])) {
        return null;
      }
    }
    TableId table = router.table(record, null, null);
    List<ColumnSpec> columns = flatMaps.columns();
    lastColumns = columns;
    return new RowChange(
        record,
        table,
        Kind.UPSERT,
        KeyColumns.text(columns, Arrays.asList(values), keyCount),
        columns,
        values,
        keyCount,
        Set.of(),
        null,
        null);
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
    if (keys.mode() != PrimaryKeyMode.RECORD_KEY) {
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
    if (moves.isMoveDelete(record)) {
      return skip("tombstones of key changes (the create that follows moves the row)");
    }
    return delete(record, null, null);
  }

  private RowChange delete(SinkRecord record, Row before, Row source) {
    List<ColumnSpec> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    TextValues texts = TextValues.of(record, source, () -> router.table(record, before, source));
    keys.append(record, before, columns, values, texts);
    TableId table = router.table(record, before, source);
    return new RowChange(
        record,
        table,
        Kind.DELETE,
        KeyColumns.text(columns, values, columns.size()),
        columns,
        values.toArray(),
        columns.size(),
        Set.of(),
        null,
        null);
  }

  /**
   * The upsert of {@code row} (the envelope's after, or a flat row): a null field that the source
   * block's {@code text_values} lists is written as that text.
   */
  private RowChange upsert(SinkRecord record, Row row, Row source, Set<String> unchanged) {
    TextValues texts = TextValues.of(record, source, () -> router.table(record, row, source));
    List<ColumnSpec> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    keys.append(record, row, columns, values, texts);
    int keyCount = columns.size();
    Set<String> unchangedHere = unchanged;
    List<ColumnSpec> rowColumns = specs.of(row);
    for (int i = 0; i < rowColumns.size(); i++) {
      ColumnSpec spec = rowColumns.get(i);
      if (isKeyColumn(columns, keyCount, spec.name()) || unchanged.contains(spec.name())) {
        continue;
      }
      Object v = texts.value("after", spec.name(), row.value(i));
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
    TableId table = router.table(record, row, source);
    String key = keyCount == 0 ? null : KeyColumns.text(columns, values, keyCount);
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
}
