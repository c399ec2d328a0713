package io.pgcdc.connector.source.snapshot;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.OutputSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One snapshot reading thread: its own connection in a REPEATABLE READ transaction that imported
 * the snapshot's exported name, so that every worker sees the same rows. It takes ranges from
 * {@code ranges}, copies each ({@code COPY (SELECT ... WHERE ctid ...) TO STDOUT}), parses the rows
 * and builds their records (converted to JSON ahead when the task's converters allow it), and hands
 * them to the task thread in chunks, then a {@link Chunk} that marks the range complete. The task
 * thread gives each record its offset: only it knows the order in which Connect sees them.
 *
 * <p>Workers share the {@link RecordBuilder} and the table's {@link TableSchema}: snapshot rows are
 * complete, so building their records only reads the precomputed full-row and envelope schemas and
 * never touches the schema caches that streamed partial rows fill.
 */
final class SnapshotWorker implements Runnable {
  /** Rows per chunk handed to the task thread. */
  static final int CHUNK_ROWS = 512;

  /** What a worker copies: range {@code index} of {@code table}, by {@code sql}. */
  record Range(TableSchema table, int index, String sql) {}

  /**
   * Records of one range in the order read, with their rows (the last record is rebuilt with the
   * final offset); {@code rangeDone} once the range is complete, {@code failure} when it broke.
   */
  record Chunk(
      Range range,
      List<SourceRecord> records,
      List<Object[]> rows,
      boolean rangeDone,
      Exception failure) {}

  /** Tells the workers to end. */
  static final Range END = new Range(null, -1, null);

  private final ConnectionSettings settings;
  private final String snapshotName;
  private final BlockingQueue<Range> ranges;
  private final BlockingQueue<Chunk> chunks;
  private final RecordBuilder records;
  private final RecordBuilder.Tx tx;
  private final long consistentPoint;
  private final CopyText copyText = new CopyText();
  private volatile Connection connection;
  private volatile boolean closed;

  SnapshotWorker(
      ConnectionSettings settings,
      String snapshotName,
      BlockingQueue<Range> ranges,
      BlockingQueue<Chunk> chunks,
      RecordBuilder records,
      RecordBuilder.Tx tx,
      long consistentPoint) {
    this.settings = settings;
    this.snapshotName = snapshotName;
    this.ranges = ranges;
    this.chunks = chunks;
    this.records = records;
    this.tx = tx;
    this.consistentPoint = consistentPoint;
  }

  @Override
  public void run() {
    try {
      connection = open();
      for (Range r = ranges.take(); r != END && !closed; r = ranges.take()) {
        copy(r);
      }
      connection.commit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      report(e);
    } finally {
      close();
    }
  }

  /** Hands the failure to the task thread, unless the snapshot is being closed. */
  private void report(Exception e) {
    if (closed) {
      return;
    }
    try {
      chunks.put(new Chunk(null, List.of(), List.of(), false, e));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private Connection open() throws SQLException {
    Connection c = settings.open();
    try {
      OutputSettings.apply(c);
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName + "'");
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void copy(Range r) throws SQLException, InterruptedException {
    CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(r.sql());
    TableSchema table = r.table();
    List<SourceRecord> out = new ArrayList<>(CHUNK_ROWS);
    List<Object[]> rows = new ArrayList<>(CHUNK_ROWS);
    long rowNumber = 0;
    SourceOffset placeholder = SourceOffset.snapshot(consistentPoint, table.table.toString(), 0);
    for (byte[] row = copy.readFromCopy(); row != null; row = copy.readFromCopy()) {
      if (closed) {
        copy.cancelCopy();
        return;
      }
      rowNumber++;
      Object[] values = new Object[table.columns.size()];
      try {
        copyText.parse(row, table.columns, values);
      } catch (DataException e) {
        throw new DataException(
            "Snapshot of table "
                + table.table
                + ", range "
                + r.index()
                + ", row "
                + rowNumber
                + ": "
                + e.getMessage(),
            e);
      }
      records.change(
          out,
          Envelope.OP_READ,
          table,
          null,
          new RecordBuilder.Row(values, RecordBuilder.Row.COMPLETE),
          tx,
          consistentPoint,
          placeholder,
          System.currentTimeMillis()); // ts_ms: when the record is built, after its row came
      // The conversion Connect would do on the task thread, done here, in parallel (see
      // PreconvertedStruct); nothing when the task's converters are not pgcdc's.
      RecordBuilder.convertAhead(out.get(out.size() - 1));
      rows.add(values);
      if (out.size() >= CHUNK_ROWS) {
        chunks.put(new Chunk(r, out, rows, false, null));
        out = new ArrayList<>(CHUNK_ROWS);
        rows = new ArrayList<>(CHUNK_ROWS);
      }
    }
    chunks.put(new Chunk(r, out, rows, true, null));
  }

  /** Ends the worker: its connection is aborted (a blocked COPY read returns with an error). */
  void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException e) {
        // Aborting closes the socket; a failure leaves nothing to clean up.
      }
    }
  }
}
