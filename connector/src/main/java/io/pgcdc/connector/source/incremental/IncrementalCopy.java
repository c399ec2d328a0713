package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.metrics.TableCopy;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.SchemaCache;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.source.stream.StreamObserver;
import io.pgcdc.connector.types.OutputSettings;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the tables added to a running connector while the stream goes on (DBLog), one table at a
 * time, in key-ordered chunks between watermarks ({@link ChunkWindow}). A {@link CopyWorker} reads
 * the chunks on a thread of its own, ahead of the stream; the task's polls ({@link #step}) start
 * and check it; the stream ({@link StreamObserver}) opens and closes each chunk's window at its
 * watermarks, drops from the chunk each key it changes in between, and at the high watermark emits
 * the rows left as read records (op r, {@code source.snapshot = "incremental"}).
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

  /**
   * Offset keys, while copies on demand are queued or paused: the queue (tables and conditions, in
   * order), and whether the copy is paused. A restart whose committed offset comes after the
   * signals (which it does not read again) takes them from here.
   */
  static final String DEMAND_KEY = "copy_demand";

  static final String PAUSED_KEY = "copy_paused";

  private final ConnectionSettings settings;
  private final String publication;
  private final SchemaCache schemas;
  private final RecordBuilder records;
  private final OffsetTracker tracker;
  private final int serverVersion;
  private final int chunkBytes;
  private final int maxChunkRows;
  private final List<TableId> pending;

  /** Tables whose last chunk went out at the LSN given, not yet committed. */
  private final Map<TableId, Long> finished = new LinkedHashMap<>();

  /** Each table's progress, for the metrics, by schema.table. */
  private final Map<String, TableCopy> progress = new ConcurrentHashMap<>();

  private Connection connection;

  /**
   * Tables copied again on demand (a signal), with their row condition (null: every row): not
   * recorded in the publication's comment, and stopped on demand. See source.signal.
   */
  private final Map<TableId, String> onDemand = new LinkedHashMap<>();

  /** No new chunk is read while paused (signals). */
  private boolean paused;

  /** The table being copied stops after its next emitted chunk (signals). */
  private boolean stopCurrent;

  /** The table being copied; null between tables. */
  private TableSchema table;

  private long tableOid;
  private long tableRows;

  /** Reads the table's chunks; null between tables, and after the stream broke off. */
  private CopyWorker worker;

  /** The worker's chunks not emitted yet, in order. */
  private final List<CopyWorker.Chunk> windows = new ArrayList<>();

  /** The key text of the last row of the last emitted chunk; null before the first chunk. */
  private List<String> lastKey;

  /**
   * Where the stored offset says the copy of a table got to: table and key text; or null, also once
   * that table's copy has started again.
   */
  private CopyProgress resumeAt;

  /** What every offset carries of the current table's progress (empty between tables). */
  private Map<String, Object> carriedProgress = Map.of();

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

  /**
   * @param chunkBytes the COPY text a chunk aims at
   * @param maxChunkRows the most rows of a chunk
   */
  public IncrementalCopy(
      ConnectionSettings settings,
      String publication,
      SchemaCache schemas,
      RecordBuilder records,
      OffsetTracker tracker,
      int serverVersion,
      int chunkBytes,
      int maxChunkRows,
      PendingTables.Plan tables,
      Set<TableId> captured,
      Map<String, ?> storedOffset) {
    this.settings = settings;
    this.publication = publication;
    this.schemas = schemas;
    this.records = records;
    this.tracker = tracker;
    this.serverVersion = serverVersion;
    this.chunkBytes = chunkBytes;
    this.maxChunkRows = maxChunkRows;
    this.pending = new ArrayList<>(tables.tables());
    CopyProgress stored = CopyProgress.from(storedOffset);
    // A table new to the publication starts over, whatever an old offset says of an earlier copy.
    this.resumeAt =
        stored == null || tables.added().stream().anyMatch(t -> t.quoted().equals(stored.table()))
            ? null
            : stored;
    restoreDemand(storedOffset, captured);
  }

  /**
   * The copies on demand that the stored offset names, queued again: the one it was copying first
   * (it resumes after its last committed key), the others after the added tables. A table no longer
   * captured is left out, with a warning.
   */
  private void restoreDemand(Map<String, ?> storedOffset, Set<TableId> captured) {
    Map<TableId, String> demand = Demand.from(storedOffset);
    int front = 0;
    for (Map.Entry<TableId, String> e : demand.entrySet()) {
      TableId t = e.getKey();
      if (!captured.contains(t)) {
        log.warn(
            "The copy on demand of table {} was not done before the restart, but the table is no"
                + " longer captured: it is not copied",
            t);
        continue;
      }
      if (pending.contains(t)) {
        continue; // added to the publication again: copied whole anyway
      }
      boolean current = resumeAt != null && resumeAt.table().equals(t.quoted());
      pending.add(current ? front++ : pending.size(), t);
      onDemand.put(t, e.getValue());
    }
    if (resumeAt != null && pending.stream().noneMatch(t -> t.quoted().equals(resumeAt.table()))) {
      // Its copy ended (its last chunk's records carry the progress before that chunk): a later
      // copy of the table, on demand, starts from its first row.
      resumeAt = null;
    }
    paused = storedOffset != null && "true".equals(storedOffset.get(PAUSED_KEY));
    if (!onDemand.isEmpty() || paused) {
      log.info(
          "Copies on demand queued before the restart go on: {}{}",
          onDemand.keySet(),
          paused ? " (paused)" : "");
    }
    carry();
  }

  /**
   * The queue of copies on demand as an offset holds it: each table's quoted name, URL-encoded,
   * followed by {@code =} and its condition URL-encoded when it has one; joined by commas.
   */
  static final class Demand {
    private Demand() {}

    static String text(Map<TableId, String> demand) {
      StringBuilder text = new StringBuilder();
      for (Map.Entry<TableId, String> e : demand.entrySet()) {
        if (text.length() > 0) {
          text.append(',');
        }
        text.append(URLEncoder.encode(e.getKey().quoted(), StandardCharsets.UTF_8));
        if (e.getValue() != null) {
          text.append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
      }
      return text.toString();
    }

    /** The queue in {@code offset}, in order; empty when it holds none. */
    static Map<TableId, String> from(Map<String, ?> offset) {
      Map<TableId, String> demand = new LinkedHashMap<>();
      Object value = offset == null ? null : offset.get(DEMAND_KEY);
      if (value == null) {
        return demand;
      }
      if (!(value instanceof String text)) {
        throw bad(value);
      }
      if (text.isEmpty()) {
        return demand;
      }
      try {
        for (String entry : text.split(",", -1)) {
          int eq = entry.indexOf('=');
          String table = URLDecoder.decode(eq < 0 ? entry : entry.substring(0, eq), UTF8);
          String condition = eq < 0 ? null : URLDecoder.decode(entry.substring(eq + 1), UTF8);
          demand.put(TableId.parse(table, "public"), condition);
        }
      } catch (IllegalArgumentException e) {
        throw bad(value);
      }
      return demand;
    }

    private static ConnectException bad(Object value) {
      return new ConnectException(
          "Stored source offset key '"
              + DEMAND_KEY
              + "': expected the queued copies (each table's quoted name, then = and its"
              + " condition, URL-encoded, comma-separated), got '"
              + value
              + "'. Reset the connector's offsets (DELETE /connectors/<name>/offsets while it is"
              + " stopped) to start over.");
    }

    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
  }

  /** Every offset from now on carries the current table's progress and the copies on demand. */
  private void carry() {
    Map<String, Object> demand = demandEntries();
    if (demand.isEmpty()) {
      records.carryInOffsets(carriedProgress);
      return;
    }
    Map<String, Object> all = new LinkedHashMap<>(carriedProgress);
    all.putAll(demand);
    records.carryInOffsets(all);
  }

  /** The offset entries of the copies on demand and of a pause; empty when there are none. */
  private Map<String, Object> demandEntries() {
    if (onDemand.isEmpty() && !paused) {
      return Map.of();
    }
    Map<String, Object> entries = new LinkedHashMap<>();
    if (!onDemand.isEmpty()) {
      entries.put(DEMAND_KEY, Demand.text(onDemand));
    }
    if (paused) {
      entries.put(PAUSED_KEY, "true");
    }
    return entries;
  }

  private void carryProgress(Map<String, Object> progress) {
    carriedProgress = progress;
    carry();
  }

  /** Whether a table is still to copy, or its copy still to commit. */
  public boolean active() {
    return !pending.isEmpty() || !finished.isEmpty();
  }

  /** Each table's copy so far, by schema.table; safe from any thread. */
  public Map<String, TableCopy> progress() {
    return Map.copyOf(progress);
  }

  /**
   * Moves the copy on, on the task thread between two reads of the stream: starts the next table's
   * worker, reports a worker's failure, and clears tables whose copy is committed.
   */
  public void step() throws SQLException {
    confirmFinished();
    if (worker != null) {
      failed(worker.failure());
      return;
    }
    if (stopCurrent && table != null) {
      stopped();
    }
    if (paused || (table == null && (pending.isEmpty() || !startTable()))) {
      return;
    }
    TableId id = table.table;
    long oid = tableOid;
    worker =
        new CopyWorker(
            settings,
            c -> schemas.forSnapshot(c, id, oid, serverVersion),
            serverVersion,
            table,
            tableOid,
            records,
            lastKey,
            chunkBytes,
            maxChunkRows,
            onDemand.get(id));
    worker.start();
  }

  /** A worker's failure fails the task (an SQL error may be transient: the task retries). */
  private void failed(Throwable e) throws SQLException {
    if (e == null) {
      return;
    }
    if (e instanceof SQLException sql) {
      throw sql;
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    throw new ConnectException("Copy of table " + table.table + " failed: " + e, e);
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
    if (resumeAt != null && resumeAt.table().equals(id.quoted())) {
      lastKey = resumeAt.key();
      carryProgress(resumeAt.toMap());
      resumeAt = null; // a later copy of the table starts from its first row
      log.info(
          "Copy of table {} resumes after key {}: the rows before were copied before the restart",
          id,
          lastKey);
    }
    progress.put(id.toString(), new TableCopy(0, keyText(lastKey), false));
    log.info(
        "Copying table {} while streaming, in chunks of about {} bytes (at most {} rows)",
        id,
        chunkBytes,
        maxChunkRows);
    return true;
  }

  private static String keyText(List<String> key) {
    return key == null ? "" : String.join(",", key);
  }

  @Override
  public boolean owns(String prefix) {
    return PREFIX.equals(prefix);
  }

  @Override
  public List<SourceRecord> message(String prefix, byte[] content, long lsn, long now) {
    if (worker == null) {
      return List.of();
    }
    worker.drainAnnounced(windows);
    String text = new String(content, StandardCharsets.UTF_8);
    for (int i = 0; i < windows.size(); i++) {
      CopyWorker.Chunk chunk = windows.get(i);
      if (chunk.window().watermark(text)) {
        windows.remove(i);
        worker.released();
        return emit(chunk, lsn);
      }
    }
    return List.of();
  }

  /** At a chunk's high watermark: its rows the stream did not change, once they are selected. */
  private List<SourceRecord> emit(CopyWorker.Chunk chunk, long lsn) {
    CopyWorker.Selected s;
    try {
      s = chunk.selected().join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw cause instanceof SQLException sql
          ? new RetriableException("Copy of table " + table.table + ": " + sql.getMessage(), sql)
          : new ConnectException("Copy of table " + table.table + " failed: " + cause, cause);
    }
    // The chunk's records carry the copies on demand as they are now, as the stream's records do.
    s.offset().putAll(demandEntries());
    List<SourceRecord> out = new ArrayList<>(s.records().size());
    for (List<SourceRecord> built : chunk.window().keep(s.records())) {
      out.addAll(built);
    }
    lastKey = s.lastKey();
    if (lastKey != null) {
      // From these rows on, every offset says how far the copy got: a restart goes on after it.
      carryProgress(new CopyProgress(table.table.quoted(), lastKey).toMap());
    }
    tableRows += out.size();
    log.debug(
        "Copy of table {}: chunk of {} rows selected, {} emitted at {}",
        table.table,
        s.records().size(),
        out.size(),
        lsn);
    progress.put(table.table.toString(), new TableCopy(tableRows, keyText(lastKey), s.last()));
    if (s.last()) {
      log.info(
          "Copy of table {} emitted: {} rows (rows changed between a chunk's watermarks came as"
              + " streamed changes instead)",
          table.table,
          tableRows);
      if (onDemand.remove(table.table) == null) {
        finished.put(table.table, lsn); // on demand: nothing to take out of the comment
      }
      carryProgress(Map.of());
      pending.remove(table.table);
      table = null;
      stopWorker();
    } else if (stopCurrent) {
      stopped();
    } else if (paused) {
      // The chunks read ahead are dropped; on resume a new worker reads on after lastKey.
      stopWorker();
    }
    return out;
  }

  @Override
  public void changed(TableSchema t, RecordBuilder.Row row) {
    if (!windows.isEmpty() && table != null && table.table.equals(t.table)) {
      RowKey key = RowKey.of(row.values, t.keyColumns);
      for (CopyWorker.Chunk c : windows) {
        c.window().changed(t.table, key);
      }
    }
  }

  @Override
  public void truncated(TableSchema t) {
    for (CopyWorker.Chunk c : windows) {
      c.window().truncated(t.table);
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
    carry();
    return queued;
  }

  /**
   * Stops the copies on demand of {@code tables} (all when empty): those queued leave the queue,
   * the one being copied stops after its next chunk. A table added to the connector is never
   * stopped: its topic needs the copy. Gives the tables stopped.
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
    carry();
    return stopped;
  }

  private void stopped() {
    log.info("Copy of table {} stopped on demand after {} rows", table.table, tableRows);
    stopWorker();
    pending.remove(table.table);
    onDemand.remove(table.table);
    carryProgress(Map.of());
    table = null;
    stopCurrent = false;
  }

  /**
   * No new chunk is read while paused: the chunks between their watermarks complete, those read
   * ahead are dropped and read again on resume.
   */
  public void pause(boolean pause) {
    paused = pause;
    carry();
  }

  /** What the copy on demand is doing, for the signals' progress. */
  public record Progress(
      boolean paused, String table, String condition, long rows, List<String> queued) {}

  public Progress signalProgress() {
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
    stopWorker();
    close();
  }

  private void stopWorker() {
    if (worker != null) {
      worker.stop();
      worker = null;
    }
    windows.clear();
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
    stopWorker();
    Closeables.closeQuietly(connection);
    connection = null;
  }
}
