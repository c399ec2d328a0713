package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.SchemaCache;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.source.stream.StreamObserver;
import io.pgcdc.connector.types.OutputSettings;
import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.types.CopyText;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the tables added to a running connector while the stream goes on (DBLog), one chunk at a
 * time, driven by the task's polls ({@link #step}) and by the stream ({@link StreamObserver}):
 *
 * <ol>
 *   <li>write the low watermark, a non-transactional logical decoding message;
 *   <li>wait until the transactions that held a write lock on the table then have ended: one of
 *       them may have written its commit before the watermark and not be visible yet;
 *   <li>select the next rows in key order (a plain connection, a snapshot of its own) and hold them
 *       ({@link ChunkWindow});
 *   <li>write the high watermark;
 *   <li>the stream, which meanwhile delivers the table's changes as any table's, drops from the
 *       held rows each key it changes between the watermarks, and at the high watermark the rows
 *       left go out as read records (op r, {@code source.snapshot = "incremental"}).
 * </ol>
 *
 * <p>A row the copy emits is the row as of its high watermark: every change committed before the
 * low watermark is in it, a change committed between the two removes it (the stream's record
 * carries the row), a change committed after comes after it. Replayed in order, the topic gives the
 * table. A table's copy is complete once the records of its last chunk are committed; then it
 * leaves {@link PendingTables}.
 */
public final class IncrementalCopy implements StreamObserver {
  private static final Logger log = LoggerFactory.getLogger(IncrementalCopy.class);

  /** The prefix of the watermark messages; they become no record. */
  public static final String PREFIX = StreamObserver.WATERMARK_PREFIX;

  /** Offset keys, while a table is copied: the table, and the key of its last emitted row. */
  static final String TABLE_KEY = "copy_table";

  static final String KEY_KEY = "copy_key";

  private final ConnectionSettings settings;
  private final String publication;
  private final SchemaCache schemas;
  private final RecordBuilder records;
  private final OffsetTracker tracker;
  private final int serverVersion;
  private final int chunkRows;
  private final List<TableId> pending;

  /** Tables whose last chunk went out at the LSN given, not yet committed. */
  private final Map<TableId, Long> finished = new LinkedHashMap<>();

  /** Tells this task's watermarks from those of an earlier task, or of another connector. */
  private final String copyId = UUID.randomUUID().toString();

  private long chunks;
  private Connection connection;

  /**
   * Tables copied again on demand (a signal), with their row condition (null: every row): not
   * recorded in the publication's comment, and stopped on demand. See source.signal.
   */
  private final Map<TableId, String> onDemand = new LinkedHashMap<>();

  private boolean paused;
  private boolean stopCurrent;

  /** The table being copied, its OID; null between tables. */
  private TableSchema table;

  private long tableOid;
  private long tableRows;

  /** The key text of the last row of the last emitted chunk; null before the first chunk. */
  private List<String> lastKey;

  /** The chunk between its watermarks; null when none is. */
  private ChunkWindow<Object[]> window;

  /** Writers the selection waits for (virtual transaction ids); null once selected. */
  private String[] writers;

  /** The key text of the selected chunk's last row, and whether the chunk ends the table. */
  private List<String> selectedLastKey;

  private boolean selectedLast;

  /** Where the stored offset says the copy of a table got to: table and key text; or null. */
  private final CopyProgress resumeAt;

  /**
   * The copy's progress as the stored offset holds it: the last key emitted of {@code table}.
   * Offsets hold primitive values only: the key values' text goes in as one string, each
   * URL-encoded (so without commas), joined by commas.
   */
  record CopyProgress(String table, List<String> key) {
    /** The progress in {@code offset}; null when it holds none. */
    static CopyProgress from(Map<String, ?> offset) {
      if (offset == null || !(offset.get(TABLE_KEY) instanceof String t)) {
        return null;
      }
      Object key = offset.get(KEY_KEY);
      if (!(key instanceof String text)) {
        throw bad(key);
      }
      List<String> values = new ArrayList<>();
      try {
        for (String v : text.split(",", -1)) {
          values.add(URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        throw bad(key);
      }
      return new CopyProgress(t, List.copyOf(values));
    }

    private static ConnectException bad(Object key) {
      return new ConnectException(
          "Stored source offset key '"
              + KEY_KEY
              + "': expected the key values' text, URL-encoded and comma-separated, got "
              + (key == null ? "nothing" : "'" + key + "'")
              + ". Reset the connector's offsets (DELETE /connectors/<name>/offsets while it is"
              + " stopped) to start over.");
    }

    Map<String, Object> toMap() {
      String text =
          key.stream()
              .map(v -> URLEncoder.encode(v, StandardCharsets.UTF_8))
              .collect(Collectors.joining(","));
      return Map.of(TABLE_KEY, table, KEY_KEY, text);
    }
  }

  public IncrementalCopy(
      ConnectionSettings settings,
      String publication,
      SchemaCache schemas,
      RecordBuilder records,
      OffsetTracker tracker,
      int serverVersion,
      int chunkRows,
      PendingTables.Plan tables,
      Map<String, ?> storedOffset) {
    this.settings = settings;
    this.publication = publication;
    this.schemas = schemas;
    this.records = records;
    this.tracker = tracker;
    this.serverVersion = serverVersion;
    this.chunkRows = chunkRows;
    this.pending = new ArrayList<>(tables.tables());
    CopyProgress stored = CopyProgress.from(storedOffset);
    // A table new to the publication starts over, whatever an old offset says of an earlier copy.
    this.resumeAt =
        stored == null || tables.added().stream().anyMatch(t -> t.quoted().equals(stored.table()))
            ? null
            : stored;
  }

  /** Whether a table is still to copy, or its copy still to commit. */
  public boolean active() {
    return !pending.isEmpty() || !finished.isEmpty();
  }

  /**
   * Moves the copy on, on the task thread between two reads of the stream: starts a chunk when none
   * is between its watermarks, selects its rows once the writers it waits for have ended, and
   * clears tables whose copy is committed.
   */
  public void step() throws SQLException {
    confirmFinished();
    if (window == null) {
      if (stopCurrent) {
        stopped();
      }
      if (paused || pending.isEmpty() || (table == null && !startTable())) {
        return;
      }
      openWindow();
    }
    if (writers != null && !running(writers)) {
      select();
    }
  }

  private boolean startTable() throws SQLException {
    TableId id = pending.get(0);
    Catalog.TableInfo info = Catalog.tableInfo(connection(), id);
    if (info == null) {
      log.warn("Table {} was dropped before its copy: nothing to copy", id);
      pending.remove(0);
      record();
      return false;
    }
    TableSchema t = schemas.forSnapshot(connection(), id, info.oid(), serverVersion);
    if (t.keyColumns.length == 0) {
      log.error(
          "Table {} has no primary key: its rows cannot be copied while streaming (its changes"
              + " stream). Give it a primary key or name key columns in table.key.columns, then"
              + " remove it from table.include.list and add it again",
          id);
      pending.remove(0);
      record();
      return false;
    }
    table = t;
    tableOid = info.oid();
    tableRows = 0;
    lastKey = null;
    if (resumeAt != null && resumeAt.table().equals(id.quoted()) && !onDemand.containsKey(id)) {
      lastKey = resumeAt.key();
      records.carryInOffsets(resumeAt.toMap());
      log.info(
          "Copy of table {} resumes after key {}: the rows before were copied before the restart",
          id,
          lastKey);
    }
    log.info("Copying table {} in chunks of {} rows while streaming", id, chunkRows);
    return true;
  }

  /** Writes the chunk's low watermark and notes the writers the selection must outwait. */
  private void openWindow() throws SQLException {
    long n = ++chunks;
    String low = copyId + ":" + n + ":low";
    window = new ChunkWindow<>(table.table, low, copyId + ":" + n + ":high");
    watermark(low);
    try (PreparedStatement ps = connection().prepareStatement(ChunkQuery.WRITERS)) {
      ps.setLong(1, tableOid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        writers = (String[]) rs.getArray(1).getArray();
      }
    }
  }

  private boolean running(String[] transactions) throws SQLException {
    if (transactions.length == 0) {
      return false;
    }
    Connection c = connection();
    Array array = c.createArrayOf("text", transactions);
    try (PreparedStatement ps = c.prepareStatement(ChunkQuery.RUNNING)) {
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** Selects the chunk's rows, hands them to the window, writes the high watermark. */
  private void select() throws SQLException {
    String sql = ChunkQuery.copy(table, lastKey, chunkRows, onDemand.get(table.table));
    CopyOut copy = connection().unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    LinkedHashMap<RowKey, Object[]> rows = new LinkedHashMap<>();
    String[] fields = new String[table.columns.size()];
    List<String> keyText = lastKey;
    for (byte[] line = copy.readFromCopy(); line != null; line = copy.readFromCopy()) {
      Object[] values = parse(line, fields);
      rows.put(RowKey.of(values, table.keyColumns), values);
      keyText = new ArrayList<>(table.keyColumns.length);
      for (int k : table.keyColumns) {
        keyText.add(fields[k]);
      }
    }
    selectedLastKey = keyText;
    selectedLast = rows.size() < chunkRows;
    window.selected(rows);
    writers = null;
    watermark(window.high());
  }

  private Object[] parse(byte[] line, String[] fields) {
    Object[] values = new Object[fields.length];
    try {
      int count = CopyText.parseRow(line, fields);
      if (count != fields.length) {
        throw new DataException("COPY row has " + count + " fields, expected " + fields.length);
      }
      for (int i = 0; i < fields.length; i++) {
        values[i] = fields[i] == null ? null : table.columns.get(i).value(fields[i]);
      }
    } catch (DecodeException | DataException e) {
      throw new ConnectException(
          "Copy of table " + table.table + " (added while streaming): " + e.getMessage(), e);
    }
    return values;
  }

  private void watermark(String content) throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement(ChunkQuery.WATERMARK)) {
      ps.setString(1, PREFIX);
      ps.setString(2, content);
      ps.executeQuery().close();
    }
  }

  @Override
  public boolean owns(String prefix) {
    return PREFIX.equals(prefix);
  }

  @Override
  public List<SourceRecord> message(String prefix, byte[] content, long lsn, long now) {
    if (window == null) {
      return List.of();
    }
    List<Object[]> rows = window.watermark(new String(content, StandardCharsets.UTF_8));
    if (rows == null) {
      return List.of();
    }
    lastKey = selectedLastKey;
    if (lastKey != null) {
      // From these rows on, every offset says how far the copy got: a restart goes on after it.
      records.carryInOffsets(new CopyProgress(table.table.quoted(), lastKey).toMap());
    }
    List<SourceRecord> out = new ArrayList<>(rows.size());
    SourceOffset offset = SourceOffset.stream(lsn, 0);
    for (Object[] values : rows) {
      records.copied(
          out, table, new RecordBuilder.Row(values, RecordBuilder.Row.COMPLETE), lsn, offset, now);
    }
    tableRows += rows.size();
    window = null;
    if (stopCurrent) {
      stopped();
    } else if (selectedLast) {
      log.info(
          "Copy of table {} emitted: {} rows (rows changed between a chunk's watermarks came as"
              + " streamed changes instead)",
          table.table,
          tableRows);
      if (onDemand.containsKey(table.table)) {
        onDemand.remove(table.table); // on demand: nothing to take out of the comment
      } else {
        finished.put(table.table, lsn);
      }
      records.carryInOffsets(Map.of());
      pending.remove(table.table);
      table = null;
    }
    return out;
  }

  @Override
  public void changed(TableSchema t, RecordBuilder.Row row) {
    if (window != null) {
      window.changed(t.table, RowKey.of(row.values, t.keyColumns));
    }
  }

  @Override
  public void truncated(TableSchema t) {
    if (window != null) {
      window.truncated(t.table);
    }
  }

  /** Tables whose last chunk's records are committed leave the publication's comment. */
  private void confirmFinished() throws SQLException {
    long confirmable = tracker.confirmable();
    List<TableId> committed = new ArrayList<>();
    finished
        .entrySet()
        .removeIf(
            e -> Long.compareUnsigned(confirmable, e.getValue()) >= 0 && committed.add(e.getKey()));
    if (!committed.isEmpty()) {
      log.info("Copy of {} committed: the table streams on", committed);
      record();
    }
  }

  private void record() throws SQLException {
    List<TableId> left = new ArrayList<>(finished.keySet());
    left.addAll(pending);
    left.removeAll(onDemand.keySet());
    PendingTables.write(connection(), publication, left);
  }

  /**
   * Copies {@code tables} again, after those queued, each from its first row, the rows matching
   * {@code condition} only (a boolean expression already checked; null: every row). A table queued
   * or being copied already is left as it is; gives the tables queued now.
   */
  public List<TableId> copyAgain(List<TableId> tables, String condition) {
    List<TableId> queued = new ArrayList<>();
    for (TableId t : tables) {
      if (!pending.contains(t)) {
        pending.add(t);
        onDemand.put(t, condition);
        queued.add(t);
      }
    }
    return queued;
  }

  /**
   * Stops the copies on demand of {@code tables} (all when empty): those queued leave the queue,
   * the one being copied stops after its chunk between watermarks. A table added to the connector
   * is never stopped: its topic needs the copy. Gives the tables stopped.
   */
  public List<TableId> stop(List<TableId> tables) {
    List<TableId> stopped = new ArrayList<>();
    for (TableId t : List.copyOf(onDemand.keySet())) {
      if (!tables.isEmpty() && !tables.contains(t)) {
        continue;
      }
      stopped.add(t);
      if (table != null && table.table.equals(t)) {
        stopCurrent = true;
      } else {
        pending.remove(t);
        onDemand.remove(t);
      }
    }
    return stopped;
  }

  private void stopped() {
    log.info("Copy of table {} stopped on demand after {} rows", table.table, tableRows);
    records.carryInOffsets(Map.of());
    pending.remove(table.table);
    onDemand.remove(table.table);
    table = null;
    stopCurrent = false;
  }

  /** No new chunk starts while paused; the one between its watermarks completes. */
  public void pause(boolean pause) {
    paused = pause;
  }

  /** What the copy is doing, for the signals' progress. */
  public record Progress(
      boolean paused, String table, String condition, long rows, List<String> queued) {}

  public Progress progress() {
    List<String> queued = new ArrayList<>();
    for (TableId t : pending) {
      if (table == null || !t.equals(table.table)) {
        queued.add(t.toString());
      }
    }
    return new Progress(
        paused,
        table == null ? null : table.table.toString(),
        table == null ? null : onDemand.get(table.table),
        table == null ? 0 : tableRows,
        queued);
  }

  /**
   * The stream broke off: the chunk between its watermarks is dropped and selected again after a
   * new low watermark (the old watermarks, if read again, match no chunk).
   */
  public void reset() {
    window = null;
    writers = null;
    close();
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = settings.open();
      connection.setAutoCommit(true);
      OutputSettings.apply(connection);
    }
    return connection;
  }

  public void close() {
    Closeables.closeQuietly(connection);
    connection = null;
  }
}
