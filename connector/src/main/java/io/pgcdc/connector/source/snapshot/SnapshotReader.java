package io.pgcdc.connector.source.snapshot;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.catalog.ReplicationSetup;
import io.pgcdc.connector.source.offset.SnapshotRanges;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.SchemaCache;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.OutputSettings;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the captured tables, one after the other, each split into ctid ranges ({@link
 * SnapshotRanges}) that up to {@code snapshot.max.threads} {@link SnapshotWorker}s copy at the same
 * time. This reader's own connection holds the snapshot: a REPEATABLE READ transaction that
 * imported the slot's exported snapshot (or, resuming, took a new one), locked the tables in ACCESS
 * SHARE mode so that no DDL changes them while they are copied, and exported its snapshot again for
 * the workers, which import it. So every row is read at one point in time, the slot's consistent
 * point when the slot was just created.
 *
 * <p>The workers' records interleave; the task thread gives each its offset as it hands it out: the
 * table being copied, how it is split, and the ranges complete so far. A range counts as complete
 * once its last record was handed out, so a committed offset never names a range with a record
 * Connect has not committed. The record read last is held back until the next one (or the end)
 * shows what its offset is; the very last carries the offset that marks the snapshot complete.
 */
public final class SnapshotReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReader.class);

  private final List<TableId> tables;
  private final SchemaCache schemas;
  private final RecordBuilder records;
  private final long consistentPoint;
  private final int serverVersion;
  private final int threads;
  private final RecordBuilder.Tx tx;
  private final BlockingQueue<SnapshotWorker.Range> work = new LinkedBlockingQueue<>();
  private final BlockingQueue<SnapshotWorker.Chunk> chunks;
  private final List<SnapshotWorker> workers = new ArrayList<>();
  private final List<Thread> workerThreads = new ArrayList<>();
  private Connection connection;
  private int tableIndex;

  /** Progress of the first table from the stored offset, or null. */
  private SourceOffset resumeFrom;

  private TableSchema table;
  private SnapshotRanges ranges;
  private SnapshotRowCount rowsOfTable;
  private long totalRows;
  private long startNanos;
  private long tableStartNanos;

  /** The offset of the record handed out last: where a retry resumes. */
  private SourceOffset lastOffset;

  /** The record read last, held back until the next one shows its offset. */
  private SourceRecord held;

  private Object[] heldRow;
  private TableSchema heldTable;

  /** The chunk being handed out, and how many of its records are. */
  private SnapshotWorker.Chunk current;

  private int currentIndex;

  public SnapshotReader(
      List<TableId> tables,
      int firstTable,
      SourceOffset resumeFrom,
      SchemaCache schemas,
      RecordBuilder records,
      long consistentPoint,
      int serverVersion,
      int threads) {
    this.tables = tables;
    this.tableIndex = firstTable;
    this.resumeFrom = resumeFrom;
    this.schemas = schemas;
    this.records = records;
    this.consistentPoint = consistentPoint;
    this.serverVersion = serverVersion;
    this.threads = threads;
    this.chunks = new ArrayBlockingQueue<>(threads * 4);
    this.tx = new RecordBuilder.Tx(consistentPoint, -1, System.currentTimeMillis(), true);
  }

  /**
   * Opens the snapshot transaction and starts the workers. With {@code exported}, it imports that
   * snapshot (the slot's); without, it takes its own (resuming an interrupted snapshot: the stream
   * from the slot's position then replays what happened since, see docs/operations.md).
   */
  public void open(ConnectionSettings settings, ReplicationSetup.ExportedSlot exported)
      throws SQLException {
    startNanos = System.nanoTime();
    connection = settings.open();
    OutputSettings.apply(connection);
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
    String snapshotName;
    try (Statement s = connection.createStatement()) {
      if (exported != null) {
        s.execute("SET TRANSACTION SNAPSHOT '" + exported.snapshotName() + "'");
      }
      List<TableId> remaining = tables.subList(tableIndex, tables.size());
      if (!remaining.isEmpty()) {
        s.execute(
            "LOCK TABLE "
                + remaining.stream().map(TableId::quoted).collect(Collectors.joining(", "))
                + " IN ACCESS SHARE MODE");
      }
      // Exported again, for the workers: valid while this transaction is open.
      try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
        rs.next();
        snapshotName = rs.getString(1);
      }
    }
    if (exported != null) {
      // The snapshot is imported: the slot's replication connection may go now.
      exported.close();
    }
    for (int i = 0; i < threads; i++) {
      SnapshotWorker w =
          new SnapshotWorker(settings, snapshotName, work, chunks, records, tx, consistentPoint);
      Thread t = new Thread(w, "pgcdc-snapshot-" + settings.database() + "-" + i);
      t.setDaemon(true);
      workers.add(w);
      workerThreads.add(t);
      t.start();
    }
    log.info(
        "Snapshot of {} tables with {} threads (consistent point {})",
        tables.size() - tableIndex,
        threads,
        new Lsn(consistentPoint));
  }

  /**
   * Adds up to {@code max} records to {@code out}, waiting at most until {@code deadlineNanos} for
   * the workers. Returns false once every table is copied and the last record was handed out.
   */
  public boolean poll(List<SourceRecord> out, int max, long deadlineNanos)
      throws SQLException, InterruptedException {
    while (out.size() < max) {
      if (table == null && !nextTable()) {
        if (held != null) {
          release(out, SourceOffset.snapshotDone(consistentPoint), true);
        }
        finish();
        return false;
      }
      if (ranges.allDone()) {
        log.info(
            "Snapshot of {}: {} in {} ranges, {} s",
            table.table,
            rowsOfTable.text(),
            ranges.count(),
            String.format("%.1f", (System.nanoTime() - tableStartNanos) / 1e9));
        table = null;
        continue;
      }
      if (current == null) {
        long wait = deadlineNanos - System.nanoTime();
        current = chunks.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
        currentIndex = 0;
        if (current == null) {
          return true;
        }
        throwFailure(current);
      }
      take(out, max);
    }
    return true;
  }

  private static void throwFailure(SnapshotWorker.Chunk chunk) throws SQLException {
    if (chunk.failure() instanceof SQLException e) {
      throw e;
    }
    if (chunk.failure() != null) {
      throw (RuntimeException) chunk.failure();
    }
  }

  /**
   * Hands out records of the current chunk until {@code out} holds {@code max}; at the chunk's end,
   * marks its range complete when it is the range's last.
   */
  private void take(List<SourceRecord> out, int max) {
    List<SourceRecord> rs = current.records();
    while (currentIndex < rs.size() && (out.size() < max || held == null)) {
      if (held != null) {
        release(out, offset(), false);
      }
      held = rs.get(currentIndex);
      heldRow = current.rows().get(currentIndex);
      heldTable = current.range().table();
      currentIndex++;
      rowsOfTable.row(current.range().index());
    }
    if (currentIndex >= rs.size()) {
      if (current.rangeDone()) {
        ranges = ranges.withDone(current.range().index());
        rowsOfTable.rangeComplete(current.range().index());
      }
      current = null;
    }
  }

  private SourceOffset offset() {
    return SourceOffset.snapshot(
        consistentPoint, table.table.toString(), rowsOfTable.complete(), ranges);
  }

  /** Hands out the held record with {@code offset}, rebuilt when it is the very last. */
  private void release(List<SourceRecord> out, SourceOffset offset, boolean last) {
    totalRows++;
    lastOffset = offset;
    if (last) {
      records.change(
          out,
          Envelope.OP_READ,
          heldTable,
          null,
          new RecordBuilder.Row(heldRow, RecordBuilder.Row.COMPLETE),
          tx,
          consistentPoint,
          offset,
          System.currentTimeMillis());
    } else {
      SourceRecord r = held;
      out.add(
          new SourceRecord(
              r.sourcePartition(),
              offset.toMap(),
              r.topic(),
              r.kafkaPartition(),
              r.keySchema(),
              r.key(),
              r.valueSchema(),
              r.value(),
              r.timestamp()));
    }
    held = null;
    heldRow = null;
  }

  /** Starts the next table: its schema, its ranges (those not done), queued for the workers. */
  private boolean nextTable() throws SQLException {
    if (tableIndex >= tables.size()) {
      return false;
    }
    TableId id = tables.get(tableIndex++);
    Catalog.TableInfo info = Catalog.tableInfo(connection, id);
    if (info == null) {
      throw new ConnectException(
          "Table " + id + " was dropped during the snapshot: restart the connector");
    }
    table = schemas.forSnapshot(connection, id, info.oid(), serverVersion);
    tableStartNanos = System.nanoTime();
    if (resumeFrom != null
        && id.toString().equals(resumeFrom.table())
        && resumeFrom.ranges() != null) {
      ranges = resumeFrom.ranges();
      rowsOfTable = new SnapshotRowCount(ranges.count(), resumeFrom.pos());
      log.info("Snapshot of {} resumes: {}", id, ranges.resumeText());
    } else {
      ranges = SnapshotRanges.split(blocks(info.oid()), threads, serverVersion);
      rowsOfTable = new SnapshotRowCount(ranges.count(), 0);
    }
    resumeFrom = null;
    String select =
        "COPY (SELECT "
            + table.columns.stream()
                .map(c -> Identifiers.quote(c.name()))
                .collect(Collectors.joining(", "))
            + " FROM "
            + id.quoted();
    for (int i = 0; i < ranges.count(); i++) {
      if (!ranges.isDone(i)) {
        work.add(new SnapshotWorker.Range(table, i, select + ranges.condition(i) + ") TO STDOUT"));
      }
    }
    return true;
  }

  private long blocks(long oid) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT pg_relation_size(?::oid) / current_setting('block_size')::bigint")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void finish() throws SQLException {
    if (connection != null) {
      connection.commit();
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      log.info(
          "Snapshot complete: {} rows in {} s ({} rows/s, {} threads; JSON converted on the"
              + " reading threads: {})",
          totalRows,
          String.format("%.1f", seconds),
          seconds > 0 ? Math.round(totalRows / seconds) : totalRows,
          threads,
          records.convertsAhead() ? "yes" : "no");
    }
    close();
  }

  /**
   * The offset of the record handed out last, from which a retry resumes (ranges complete then are
   * not copied again), or null when none was.
   */
  public SourceOffset progress() {
    return lastOffset;
  }

  @Override
  public void close() {
    for (SnapshotWorker w : workers) {
      w.close();
    }
    work.clear();
    for (int i = 0; i < workers.size(); i++) {
      work.add(SnapshotWorker.END);
    }
    for (Thread t : workerThreads) {
      t.interrupt();
    }
    chunks.clear();
    for (Thread t : workerThreads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    workers.clear();
    workerThreads.clear();
    Closeables.closeQuietly(connection); // the snapshot is abandoned or complete
    connection = null;
  }
}
