package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.OutputSettings;
import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.types.CopyText;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chunks of one table on a thread of its own, ahead of the stream, so that the stream
 * never waits for a selection and the next chunk is read while the stream goes towards the last
 * one's high watermark. Per chunk:
 *
 * <ol>
 *   <li>announce the chunk's window ({@link #announced}), then write its low watermark;
 *   <li>wait until the transactions that held a write lock on the table then have ended: one of
 *       them may have written its commit before the watermark and not be visible yet;
 *   <li>select the next rows in key order (COPY, the snapshot's text format); {@link #BUILDERS}
 *       threads parse and convert them and build their read records (converted ahead like snapshot
 *       records), {@link #BUILD_BATCH} rows at a time, while the selection goes on;
 *   <li>write the high watermark as soon as the last row is read, and flush the WAL up to it (the
 *       server sends the stream only flushed WAL; a non-transactional message alone waits for the
 *       WAL writer); the builders finish the chunk's last rows meanwhile, and hand the records over
 *       ({@link Chunk#selected}), while this thread goes on to the next chunk. The stream, reaching
 *       the high watermark, waits at most for that rest of the building.
 * </ol>
 *
 * At most {@link #MAX_IN_FLIGHT} chunks are read and not yet emitted. A chunk's size follows the
 * bytes of its rows: {@code chunkBytes} of COPY text, between {@link #MIN_ROWS} and {@code maxRows}
 * rows.
 */
final class CopyWorker implements Runnable {
  /** Chunks selected or being selected that the stream has not emitted yet. */
  static final int MAX_IN_FLIGHT = 2;

  /** The first chunk's rows, and the fewest of any chunk. */
  static final int MIN_ROWS = 1024;

  private static final Logger log = LoggerFactory.getLogger(CopyWorker.class);

  /** SQLSTATE undefined_column: a column of the schema was dropped or renamed. */
  private static final String UNDEFINED_COLUMN = "42703";

  /** Rows a builder parses and builds at a time. */
  private static final int BUILD_BATCH = 2048;

  /** Threads that parse, convert and build the selected rows while the selection goes on. */
  private static final int BUILDERS = 2;

  private static final long WRITERS_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** A chunk between its watermarks: its window (task thread) and its rows when selected. */
  record Chunk(ChunkWindow window, CompletableFuture<Selected> selected) {}

  /**
   * A chunk's rows: their records by key, in key order; the text of the last row's key values (the
   * one before when the chunk is empty), whether the chunk ends the table, and the offset its
   * records share (the task thread may add to it before it emits them).
   */
  record Selected(
      LinkedHashMap<RowKey, List<SourceRecord>> records,
      List<String> lastKey,
      boolean last,
      Map<String, Object> offset) {}

  /** Reads the table's schema as it is now, on the worker's connection. */
  interface SchemaLoader {
    TableSchema load(Connection c) throws SQLException;
  }

  private final ConnectionSettings settings;
  private final SchemaLoader loader;
  private final int serverVersion;

  /** The table's schema the chunks are selected with; reloaded when its columns change. */
  private TableSchema table;

  private final long tableOid;
  private final RecordBuilder records;
  private final int chunkBytes;
  private final int maxRows;
  private final String condition;
  private final String id = UUID.randomUUID().toString();
  private final Queue<Chunk> announced = new ConcurrentLinkedQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final Thread thread;
  private final ExecutorService builders;
  private volatile boolean stopped;
  private volatile Connection connection;
  private volatile Throwable failure;
  private List<String> after;

  /** How long the last chunk's COPY took to read (its rows built meanwhile), for the debug log. */
  private long readNanos;

  private int rows = MIN_ROWS;
  private long chunks;

  /**
   * @param after the text of the key values of the last row copied before; null from the first row
   * @param condition the rows to copy, a boolean expression checked before (a re-snapshot on
   *     demand); null for every row
   */
  CopyWorker(
      ConnectionSettings settings,
      SchemaLoader loader,
      int serverVersion,
      TableSchema table,
      long tableOid,
      RecordBuilder records,
      List<String> after,
      int chunkBytes,
      int maxRows,
      String condition) {
    this.settings = settings;
    this.condition = condition;
    this.loader = loader;
    this.serverVersion = serverVersion;
    this.table = table;
    this.tableOid = tableOid;
    this.records = records;
    this.after = after;
    this.chunkBytes = chunkBytes;
    this.maxRows = Math.max(MIN_ROWS, maxRows);
    this.thread = new Thread(this, "pgcdc-copy-" + table.table);
    thread.setDaemon(true);
    String name = "pgcdc-copy-build-" + table.table;
    this.builders =
        Executors.newFixedThreadPool(
            BUILDERS,
            r -> {
              Thread b = new Thread(r, name);
              b.setDaemon(true);
              return b;
            });
  }

  void start() {
    thread.start();
  }

  /** The chunks announced since the last call, in order; task thread. */
  void drainAnnounced(List<Chunk> into) {
    for (Chunk c = announced.poll(); c != null; c = announced.poll()) {
      into.add(c);
    }
  }

  /** The stream emitted (or dropped) a chunk: the next may be read. */
  void released() {
    inFlight.release();
  }

  /** Why the worker stopped, when it failed; else null. */
  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    Chunk current = null;
    try (Connection c = settings.open()) {
      connection = c;
      c.setAutoCommit(true);
      OutputSettings.apply(c);
      boolean last = false;
      while (!last && !stopped) {
        long started = System.nanoTime();
        inFlight.acquire();
        long acquired = System.nanoTime();
        long n = ++chunks;
        current =
            new Chunk(
                new ChunkWindow(table.table, id + ":" + n + ":low", id + ":" + n + ":high"),
                new CompletableFuture<>());
        if (stopped) {
          return;
        }
        announced.add(current);
        long lowLsn = watermark(c, current.window().low(), false);
        String[] writers = writers(c);
        while (running(c, writers)) {
          if (stopped) {
            return;
          }
          LockSupport.parkNanos(WRITERS_PARK_NANOS);
        }
        long selecting = System.nanoTime();
        Selection s = select(c, current.window().high(), lowLsn);
        last = s.last();
        CompletableFuture<Selected> handOver = current.selected();
        s.built()
            .whenComplete(
                (selected, e) -> {
                  if (e != null) {
                    handOver.completeExceptionally(e);
                  } else {
                    handOver.complete(selected);
                  }
                });
        log.debug(
            "Copy of table {}, chunk {}: {} rows; {} ms waiting for the stream to emit a chunk, {}"
                + " ms for writers, {} ms selecting (of which {} ms reading COPY)",
            table.table,
            n,
            s.rows(),
            TimeUnit.NANOSECONDS.toMillis(acquired - started),
            TimeUnit.NANOSECONDS.toMillis(selecting - acquired),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - selecting),
            TimeUnit.NANOSECONDS.toMillis(readNanos));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      if (!stopped) {
        failure = e;
        if (current != null) {
          current.selected().completeExceptionally(e);
        }
      }
    } finally {
      connection = null;
      if (stopped || failure != null) {
        builders.shutdownNow();
      } else {
        builders.shutdown(); // the last chunk's rows are still being built
      }
    }
  }

  private String[] writers(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ChunkQuery.WRITERS)) {
      ps.setLong(1, tableOid);
      ps.setLong(2, tableOid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return (String[]) rs.getArray(1).getArray();
      }
    }
  }

  private static boolean running(Connection c, String[] transactions) throws SQLException {
    if (transactions.length == 0) {
      return false;
    }
    Array array = c.createArrayOf("text", transactions);
    try (PreparedStatement ps = c.prepareStatement(ChunkQuery.RUNNING)) {
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /**
   * What the copy thread knows of a chunk once its rows are read: how many, whether it ends the
   * table, and its records, built on the builders meanwhile.
   */
  private record Selection(int rows, boolean last, CompletableFuture<Selected> built) {}

  /**
   * Selects the chunk's rows, while the builders build their records, then writes the high
   * watermark at once: the records are a function of the rows read, and the builders finish them (a
   * few milliseconds' work at most) while the copy thread goes on to the next chunk and the stream
   * goes towards the watermark. The records share one offset: the low watermark's position with the
   * copy's progress before the chunk (a restart that finds it committed copies the chunk again); a
   * record's {@code source.lsn} is the low watermark's: the row holds every change committed before
   * it. When the table's columns changed (a column added or dropped) during the selection or before
   * the high watermark, the chunk comes out empty and the schema is read again: the next chunk
   * selects the same rows again with the columns they have then.
   */
  private Selection select(Connection c, String high, long lowLsn) throws SQLException {
    int limit = rows;
    TableSchema t = table;
    long now = System.currentTimeMillis();
    // The chunk's records share one offset: the low watermark, and how far the copy got before the
    // chunk. A restart that finds it committed copies the whole chunk again; a map and the key's
    // text per row cost the builders more than a chunk copied twice after a crash.
    Map<String, Object> offset =
        RecordBuilder.copyOffset(
            lowLsn,
            after == null
                ? Map.of()
                : new IncrementalCopy.CopyProgress(t.table.quoted(), after).toMap());
    List<CompletableFuture<List<Built>>> parts = new ArrayList<>();
    long readStart = System.nanoTime();
    int count = 0;
    long bytes = 0;
    byte[] lastLine = null;
    boolean columnsChanged = false;
    try {
      CopyOut copy =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyOut(ChunkQuery.copy(t, after, limit, condition));
      List<byte[]> lines = new ArrayList<>(BUILD_BATCH);
      for (byte[] line = copy.readFromCopy(); line != null; line = copy.readFromCopy()) {
        bytes += line.length;
        count++;
        lines.add(line);
        lastLine = line;
        if (lines.size() == BUILD_BATCH) {
          parts.add(build(t, lines, lowLsn, offset, now));
          lines = new ArrayList<>(BUILD_BATCH);
        }
      }
      parts.add(build(t, lines, lowLsn, offset, now));
    } catch (SQLException e) {
      if (!UNDEFINED_COLUMN.equals(e.getSQLState())) {
        throw e;
      }
      columnsChanged = true; // dropped or renamed since the schema was read
    }
    readNanos = System.nanoTime() - readStart;
    watermark(c, high, true);
    if (columnsChanged || columnsChanged(c)) {
      TableSchema before = table;
      table = loader.load(c);
      log.info(
          "Table {} changed its columns during its copy (from {} to {}): the chunk after key {} is"
              + " selected again",
          table.table,
          names(before),
          names(table),
          after);
      return new Selection(
          0,
          false,
          CompletableFuture.completedFuture(
              new Selected(new LinkedHashMap<>(), after, false, offset)));
    }
    if (count > 0) {
      after = keyText(t, lastLine);
      // The next chunk's rows: chunkBytes of COPY text at this chunk's bytes per row.
      long perRow = Math.max(1, bytes / count);
      rows = (int) Math.max(MIN_ROWS, Math.min(maxRows, chunkBytes / perRow));
    }
    boolean last = count < limit;
    List<String> lastKey = after;
    CompletableFuture<Selected> built =
        CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
            .thenApply(
                done -> {
                  LinkedHashMap<RowKey, List<SourceRecord>> records = new LinkedHashMap<>();
                  for (CompletableFuture<List<Built>> part : parts) {
                    for (Built b : part.join()) {
                      records.put(b.key(), b.records());
                    }
                  }
                  return new Selected(records, lastKey, last, offset);
                });
    return new Selection(count, last, built);
  }

  /** The text of the key values of a COPY row. */
  private static List<String> keyText(TableSchema t, byte[] line) {
    String[] fields = new String[t.columns.size()];
    try {
      CopyText.parseRow(line, fields);
    } catch (DecodeException e) {
      throw new ConnectException(
          "Copy of table " + t.table + " (added while streaming): " + e.getMessage(), e);
    }
    List<String> key = new ArrayList<>(t.keyColumns.length);
    for (int k : t.keyColumns) {
      key.add(fields[k]);
    }
    return key;
  }

  /** A selected row's key and its records. */
  private record Built(RowKey key, List<SourceRecord> records) {}

  /**
   * Parses, converts and builds the records of {@code lines} on the builders, while the selection
   * goes on; the records get the chunk's {@code offset}.
   */
  private CompletableFuture<List<Built>> build(
      TableSchema t, List<byte[]> lines, long lowLsn, Map<String, Object> offset, long now) {
    return CompletableFuture.supplyAsync(
        () -> {
          String[] fields = new String[t.columns.size()];
          List<Built> out = new ArrayList<>(lines.size());
          for (byte[] line : lines) {
            Object[] values = parse(t, line, fields);
            List<SourceRecord> made = new ArrayList<>(1);
            records.copiedAhead(
                made,
                t,
                new RecordBuilder.Row(values, RecordBuilder.Row.COMPLETE),
                lowLsn,
                offset,
                now);
            out.add(new Built(RowKey.of(values, t.keyColumns), made));
          }
          return out;
        },
        builders);
  }

  /** Whether the table's columns (names, types, order) differ from the schema's. */
  private boolean columnsChanged(Connection c) throws SQLException {
    List<Catalog.ColumnInfo> now = Catalog.columns(c, tableOid, serverVersion);
    if (now.size() != table.columns.size()) {
      return true;
    }
    for (int i = 0; i < now.size(); i++) {
      TableSchema.Column was = table.columns.get(i);
      if (!now.get(i).name().equals(was.name()) || now.get(i).typeOid() != was.typeOid()) {
        return true;
      }
    }
    return false;
  }

  private static List<String> names(TableSchema t) {
    return t.columns.stream().map(TableSchema.Column::name).toList();
  }

  private static Object[] parse(TableSchema table, byte[] line, String[] fields) {
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

  /**
   * Writes a watermark, a non-transactional logical decoding message; gives its LSN. With {@code
   * flush}, in a transaction with an id, whose commit flushes the WAL up to the message.
   */
  private static long watermark(Connection c, String content, boolean flush) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(flush ? ChunkQuery.WATERMARK_FLUSHED : ChunkQuery.WATERMARK)) {
      ps.setString(1, IncrementalCopy.PREFIX);
      ps.setString(2, content);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return LogSequenceNumber.valueOf(rs.getString(1)).asLong();
      }
    }
  }

  /** Stops the worker: its connection is aborted (a blocked COPY read returns with an error). */
  void stop() {
    stopped = true;
    thread.interrupt();
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException e) {
        // Aborting closes the socket; a failure leaves nothing to clean up.
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
