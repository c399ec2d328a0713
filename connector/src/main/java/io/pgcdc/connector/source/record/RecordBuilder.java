package io.pgcdc.connector.source.record;

import io.pgcdc.connector.common.Unchecked;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.json.PreconvertedStruct;
import io.pgcdc.connector.json.PreconvertedStruct.Preconverter;
import io.pgcdc.connector.source.offset.ChangeRecord;
import io.pgcdc.connector.source.offset.SourceOffset;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Builds the change records: key, envelope value, source block, topic and offset. */
public final class RecordBuilder {
  /**
   * The commit a streamed change belongs to; for the snapshot, the snapshot's time. {@code xid} is
   * -1 when there is no transaction (a non-transactional message, the snapshot). {@code ahead}: its
   * records are built off the task thread and may be converted there ({@link #convertAhead}).
   */
  public record Tx(long commitLsn, long xid, long commitMillis, boolean snapshot, boolean ahead) {
    /** A transaction whose records are converted ahead when it is the snapshot's. */
    public Tx(long commitLsn, long xid, long commitMillis, boolean snapshot) {
      this(commitLsn, xid, commitMillis, snapshot, snapshot);
    }
  }

  private static final Schema MESSAGE_KEY_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.source.MessageKey")
          .field("prefix", Schema.STRING_SCHEMA)
          .build();
  private static final Schema MESSAGE_BLOCK_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.source.Message")
          .field("prefix", Schema.STRING_SCHEMA)
          .field("content", Schema.BYTES_SCHEMA)
          .field("transactional", Schema.BOOLEAN_SCHEMA)
          .build();
  private static final Schema MESSAGE_VALUE_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.source.MessageValue")
          .field(Envelope.OP, Schema.STRING_SCHEMA)
          .field(Envelope.TS_MS, Schema.OPTIONAL_INT64_SCHEMA)
          .field(Envelope.SOURCE, Envelope.SOURCE_SCHEMA)
          .field(Envelope.MESSAGE, MESSAGE_BLOCK_SCHEMA)
          .build();

  /** {@code source.snapshot} of a row copied while streaming (a table added to the list). */
  public static final String INCREMENTAL = "incremental";

  private static final Field SOURCE_VERSION = sourceField(Envelope.VERSION);
  private static final Field SOURCE_CONNECTOR = sourceField(Envelope.CONNECTOR);
  private static final Field SOURCE_NAME = sourceField(Envelope.NAME);
  private static final Field SOURCE_TS_MS = sourceField(Envelope.TS_MS);
  private static final Field SOURCE_SNAPSHOT = sourceField(Envelope.SNAPSHOT);
  private static final Field SOURCE_DB = sourceField(Envelope.DB);
  private static final Field SOURCE_SCHEMA = sourceField(Envelope.SCHEMA);
  private static final Field SOURCE_TABLE = sourceField(Envelope.TABLE);
  private static final Field SOURCE_TX_ID = sourceField(Envelope.TX_ID);
  private static final Field SOURCE_LSN = sourceField(Envelope.LSN);
  private static final Field SOURCE_COMMIT_LSN = sourceField(Envelope.COMMIT_LSN);
  private static final Field SOURCE_UNCHANGED_TOAST = sourceField(Envelope.UNCHANGED_TOAST);
  private static final Field SOURCE_TEXT_VALUES = sourceField(Envelope.TEXT_VALUES);

  private final Map<String, ?> partition;
  private final String name;
  private final String database;
  private final String messagesTopic;
  private final boolean tombstones;

  /**
   * The converters that convert keys and values ahead, on the snapshot's reading threads and the
   * thread that replays a streamed transaction; null when nothing may be converted ahead
   * (transformations are configured).
   */
  private final Preconverter keysAhead;

  private final Preconverter valuesAhead;

  /**
   * Entries every offset built from now on carries besides the position (the progress of a table
   * copied while streaming); usually none.
   */
  private volatile Map<String, Object> offsetExtras = Map.of();

  public RecordBuilder(
      Map<String, ?> partition,
      String name,
      String database,
      String messagesTopic,
      boolean tombstones,
      boolean convertAhead) {
    this.partition = partition;
    this.name = name;
    this.database = database;
    this.messagesTopic = messagesTopic;
    this.tombstones = tombstones;
    this.keysAhead = convertAhead ? new Preconverter() : null;
    this.valuesAhead = convertAhead ? new Preconverter() : null;
  }

  /**
   * Adds the records of one row change to {@code out}: the change, and for a delete a tombstone
   * when configured. {@code before} or {@code after} is null when absent.
   */
  public void change(
      List<SourceRecord> out,
      String op,
      TableSchema t,
      Row before,
      Row after,
      Tx tx,
      long changeLsn,
      SourceOffset offset,
      long now) {
    build(
        out,
        op,
        t,
        before,
        after,
        tx,
        changeLsn,
        offset,
        offsetMap(offset),
        tx.ahead() && valuesAhead != null,
        now);
  }

  private void build(
      List<SourceRecord> out,
      String op,
      TableSchema t,
      Row before,
      Row after,
      Tx tx,
      long changeLsn,
      SourceOffset offset,
      Map<String, Object> offsetMap,
      boolean ahead,
      long now) {
    Schema beforeSchema = before == null ? t.fullRowSchema() : t.rowSchema(before.omitted);
    Schema afterSchema = after == null ? t.fullRowSchema() : t.rowSchema(after.omitted);
    Schema envelopeSchema = t.envelope(beforeSchema, afterSchema);
    Struct value =
        ahead ? new PreconvertedStruct(envelopeSchema, valuesAhead) : new Struct(envelopeSchema);
    List<Field> fields = envelopeSchema.fields();
    // Unchecked: the values come from the columns' codecs and this class, of the schemas' types.
    Map<String, String> texts = null;
    if (before != null) {
      Struct row = new Struct(beforeSchema);
      Unchecked.put(value, fields.get(TableSchema.ENVELOPE_BEFORE), row);
      texts = t.fill(row, before.values, before.omitted, "before.", texts);
    }
    if (after != null) {
      Struct row = new Struct(afterSchema);
      Unchecked.put(value, fields.get(TableSchema.ENVELOPE_AFTER), row);
      texts = t.fill(row, after.values, after.omitted, "after.", texts);
    }
    Struct source = sourceRequired(tx);
    Unchecked.put(value, fields.get(TableSchema.ENVELOPE_SOURCE), source);
    describe(source, tx, t, changeLsn, after == null ? null : after.unchangedToast(t), offset);
    if (texts != null) {
      Unchecked.put(source, SOURCE_TEXT_VALUES, texts);
    }
    Unchecked.put(value, fields.get(TableSchema.ENVELOPE_OP), op);
    Unchecked.put(value, fields.get(TableSchema.ENVELOPE_TS_MS), now);
    Row keyRow = after != null ? after : before;
    Struct key = t.key(keyRow.values, ahead ? keysAhead : null);
    out.add(
        new ChangeRecord(
            partition,
            offsetMap,
            t.topic,
            t.keySchema,
            key,
            envelopeSchema,
            value,
            tx.commitMillis()));
    if (tombstones && Envelope.OP_DELETE.equals(op)) {
      out.add(
          new ChangeRecord(
              partition, offsetMap, t.topic, t.keySchema, key, null, null, tx.commitMillis()));
    }
  }

  /**
   * The offset of the rows of one chunk of a copy while streaming: the stream position {@code lsn}
   * with {@code extras} (how far the copy got before the chunk). One map for all the chunk's
   * records; its owner may add to it until the records are handed to Connect.
   */
  public static Map<String, Object> copyOffset(long lsn, Map<String, Object> extras) {
    Map<String, Object> map = new HashMap<>(SourceOffset.stream(lsn, 0).toMap());
    map.putAll(extras);
    return map;
  }

  /**
   * Adds the read record (op r) of a row copied into the stream after the table was added to a
   * running connector (or on demand), built ahead of its emission on a thread of the copy's own:
   * marked {@code source.snapshot = "incremental"}, so that consumers tell it from an initial
   * snapshot row; its offset is {@code offsetMap} ({@link #copyOffset}) rather than the entries the
   * task carries then; it is converted ahead like a snapshot record (when the task's converters
   * have asked for that).
   */
  public void copiedAhead(
      List<SourceRecord> out,
      TableSchema t,
      Row row,
      long lsn,
      Map<String, Object> offsetMap,
      long now) {
    int first = out.size();
    build(
        out,
        Envelope.OP_READ,
        t,
        null,
        row,
        new Tx(lsn, -1, now, false),
        lsn,
        SourceOffset.stream(lsn, 0),
        offsetMap,
        valuesAhead != null,
        now);
    for (int i = first; i < out.size(); i++) {
      SourceRecord r = out.get(i);
      if (r.value() != null) {
        Unchecked.put(
            ((Struct) r.value()).getStruct(Envelope.SOURCE), SOURCE_SNAPSHOT, INCREMENTAL);
      }
      convertAhead(r);
    }
  }

  /**
   * Makes every offset built from now on carry {@code extras} besides its position (none: only the
   * position, as usual). Task thread only.
   */
  public void carryInOffsets(Map<String, Object> extras) {
    offsetExtras = Map.copyOf(extras);
  }

  private Map<String, Object> offsetMap(SourceOffset offset) {
    Map<String, Object> map = offset.toMap();
    if (offsetExtras.isEmpty()) {
      return map;
    }
    Map<String, Object> all = new HashMap<>(map);
    all.putAll(offsetExtras);
    return all;
  }

  /** Adds the header {@code name} with the key of {@code row} to the records of a key change. */
  public static void markKeyMove(List<SourceRecord> records, String name, TableSchema t, Row row) {
    Struct key = t.key(row.values, null);
    for (SourceRecord r : records) {
      r.headers().add(name, key, t.keySchema);
    }
  }

  /** Whether the task's value converter has asked to convert values ahead. */
  public boolean convertsAhead() {
    return valuesAhead != null && valuesAhead.active();
  }

  /**
   * Converts the key and value of {@code r}, a record of a {@link Tx#ahead} transaction built here,
   * ahead (on this thread), when the task's converters have asked for that; see {@link
   * PreconvertedStruct}.
   */
  public static void convertAhead(SourceRecord r) {
    if (r.key() instanceof PreconvertedStruct key) {
      key.convertAhead(r.topic());
    }
    if (r.value() instanceof PreconvertedStruct value) {
      value.convertAhead(r.topic());
    }
  }

  /** A truncate record (op t) on the table's topic: no key, no before or after. */
  public SourceRecord truncate(
      TableSchema t, Tx tx, long changeLsn, SourceOffset offset, long now) {
    Schema envelopeSchema = t.envelope(t.fullRowSchema(), t.fullRowSchema());
    Struct value = new Struct(envelopeSchema);
    value.put(Envelope.SOURCE, source(tx, t, changeLsn, null, offset));
    value.put(Envelope.OP, Envelope.OP_TRUNCATE);
    value.put(Envelope.TS_MS, now);
    return new ChangeRecord(
        partition,
        offsetMap(offset),
        t.topic,
        null,
        null,
        envelopeSchema,
        value,
        tx.commitMillis());
  }

  /** A logical decoding message (op m) on the messages topic, keyed by its prefix. */
  public SourceRecord message(
      String prefix,
      byte[] content,
      boolean transactional,
      Tx tx,
      long lsn,
      SourceOffset offset,
      long now) {
    Struct key = new Struct(MESSAGE_KEY_SCHEMA).put("prefix", prefix);
    Struct block =
        new Struct(MESSAGE_BLOCK_SCHEMA)
            .put("prefix", prefix)
            .put("content", content)
            .put("transactional", transactional);
    Struct value =
        new Struct(MESSAGE_VALUE_SCHEMA)
            .put(Envelope.OP, Envelope.OP_MESSAGE)
            .put(Envelope.TS_MS, now)
            .put(Envelope.SOURCE, source(tx, null, lsn, null, offset))
            .put(Envelope.MESSAGE, block);
    return new ChangeRecord(
        partition,
        offsetMap(offset),
        messagesTopic,
        MESSAGE_KEY_SCHEMA,
        key,
        MESSAGE_VALUE_SCHEMA,
        value,
        tx.commitMillis());
  }

  private Struct source(
      Tx tx, TableSchema t, long changeLsn, List<String> unchangedToast, SourceOffset offset) {
    return describe(sourceRequired(tx), tx, t, changeLsn, unchangedToast, offset);
  }

  /** A source block with its required fields. */
  private Struct sourceRequired(Tx tx) {
    // Fields rather than names: a put by name looks the field up in a map, for every record.
    Struct s = new Struct(Envelope.SOURCE_SCHEMA);
    Unchecked.put(s, SOURCE_VERSION, Version.VERSION);
    Unchecked.put(s, SOURCE_CONNECTOR, "postgresql");
    Unchecked.put(s, SOURCE_NAME, name);
    Unchecked.put(s, SOURCE_TS_MS, tx.commitMillis());
    Unchecked.put(s, SOURCE_DB, database);
    return s;
  }

  /** Adds the optional fields of a source block: snapshot flag, table, transaction, positions. */
  private static Struct describe(
      Struct s,
      Tx tx,
      TableSchema t,
      long changeLsn,
      List<String> unchangedToast,
      SourceOffset offset) {
    Unchecked.put(s, SOURCE_SNAPSHOT, snapshotFlag(tx, offset));
    if (t != null) {
      Unchecked.put(s, SOURCE_SCHEMA, t.table.schema());
      Unchecked.put(s, SOURCE_TABLE, t.table.table());
    }
    if (!tx.snapshot()) {
      Unchecked.put(s, SOURCE_TX_ID, tx.xid() < 0 ? null : tx.xid());
      Unchecked.put(s, SOURCE_LSN, changeLsn);
      Unchecked.put(s, SOURCE_COMMIT_LSN, tx.commitLsn());
    } else {
      Unchecked.put(s, SOURCE_LSN, tx.commitLsn());
    }
    if (unchangedToast != null) {
      Unchecked.put(s, SOURCE_UNCHANGED_TOAST, unchangedToast);
    }
    return s;
  }

  private static Field sourceField(String name) {
    return Envelope.SOURCE_SCHEMA.field(name);
  }

  private static String snapshotFlag(Tx tx, SourceOffset offset) {
    if (!tx.snapshot()) {
      return "false";
    }
    return offset.phase() == SourceOffset.Phase.SNAPSHOT_DONE ? "last" : "true";
  }

  /**
   * One row's converted values; {@code omitted} marks columns whose value the server did not send
   * (unchanged TOAST), which the row struct leaves out.
   */
  public static final class Row {
    /** The omitted-columns set of a complete row; never modified. */
    public static final BitSet COMPLETE = new BitSet();

    public final Object[] values;
    public final BitSet omitted;

    public Row(Object[] values, BitSet omitted) {
      this.values = values;
      this.omitted = omitted;
    }

    List<String> unchangedToast(TableSchema t) {
      if (omitted.isEmpty()) {
        return null;
      }
      return omitted.stream().mapToObj(i -> t.columns.get(i).name()).toList();
    }
  }
}
