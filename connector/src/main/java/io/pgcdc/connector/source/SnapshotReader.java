package io.pgcdc.connector.source;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the captured tables in one REPEATABLE READ transaction that has imported the slot's
 * snapshot, so that the rows are exactly those at the slot's consistent point: every later change
 * comes from the stream, none twice. The tables are locked in ACCESS SHARE mode first, so that no
 * DDL changes them while they are copied. Rows are records with op r; the last one carries the
 * offset that marks the snapshot complete.
 */
final class SnapshotReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReader.class);

  private final List<TableId> tables;
  private final SchemaCache schemas;
  private final RecordBuilder records;
  private final long consistentPoint;
  private final int serverVersion;
  private final CopyText copyText = new CopyText();
  private final RecordBuilder.Tx tx;
  private Connection connection;
  private int tableIndex;
  private TableSchema table;
  private CopyOut copy;
  private long rowsOfTable;
  private long totalRows;
  private long startNanos;

  /** The row read last, held back until the next one shows whether it is the very last. */
  private Object[] held;

  private TableSchema heldTable;
  private long heldRows;

  SnapshotReader(
      List<TableId> tables,
      int firstTable,
      SchemaCache schemas,
      RecordBuilder records,
      long consistentPoint,
      int serverVersion) {
    this.tables = tables;
    this.tableIndex = firstTable;
    this.schemas = schemas;
    this.records = records;
    this.consistentPoint = consistentPoint;
    this.serverVersion = serverVersion;
    this.tx = new RecordBuilder.Tx(consistentPoint, -1, System.currentTimeMillis(), true);
  }

  /**
   * Opens the snapshot transaction. With {@code exported}, it imports that snapshot (the slot's);
   * without, it takes its own (resuming an interrupted snapshot: the stream from the slot's
   * position then replays what happened since, so nothing is lost).
   */
  void open(ConnectionSettings settings, ReplicationSetup.ExportedSlot exported)
      throws SQLException {
    startNanos = System.nanoTime();
    connection = settings.open();
    Catalog.setOutputSettings(connection);
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
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
    }
    if (exported != null) {
      // The snapshot is imported: the slot's replication connection may go now.
      exported.close();
    }
    log.info(
        "Snapshot of {} tables (consistent point {})",
        tables.size() - tableIndex,
        new io.pgcdc.decoder.Lsn(consistentPoint));
  }

  /**
   * Adds up to {@code max} records to {@code out}. Returns false once every table is copied and the
   * last record was handed out.
   */
  boolean poll(List<SourceRecord> out, int max) throws SQLException {
    long now = System.currentTimeMillis();
    while (out.size() < max) {
      if (copy == null && !nextTable()) {
        if (held != null) {
          emitHeld(out, SourceOffset.snapshotDone(consistentPoint), now);
          held = null;
        }
        finish();
        return false;
      }
      byte[] row = copy.readFromCopy();
      if (row == null) {
        log.info("Snapshot of {}: {} rows", table.table, rowsOfTable);
        copy = null;
        continue;
      }
      Object[] values = new Object[table.columns.size()];
      try {
        copyText.parse(row, table.columns, values);
      } catch (org.apache.kafka.connect.errors.DataException e) {
        throw new org.apache.kafka.connect.errors.DataException(
            "Snapshot of table "
                + table.table
                + ", row "
                + (rowsOfTable + 1)
                + ": "
                + e.getMessage(),
            e);
      }
      rowsOfTable++;
      if (held != null) {
        emitHeld(
            out, SourceOffset.snapshot(consistentPoint, heldTable.table.toString(), heldRows), now);
      }
      held = values;
      heldTable = table;
      heldRows = rowsOfTable;
    }
    return true;
  }

  private void emitHeld(List<SourceRecord> out, SourceOffset offset, long now) {
    totalRows++;
    records.change(
        out,
        Envelope.OP_READ,
        heldTable,
        null,
        new RecordBuilder.Row(held, RecordBuilder.Row.COMPLETE),
        tx,
        consistentPoint,
        offset,
        now);
  }

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
    String columns =
        table.columns.stream()
            .map(c -> io.pgcdc.connector.common.Identifiers.quote(c.name()))
            .collect(Collectors.joining(", "));
    String sql =
        "COPY (SELECT "
            + (columns.isEmpty() ? "" : columns)
            + " FROM "
            + id.quoted()
            + ") TO STDOUT";
    copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    rowsOfTable = 0;
    return true;
  }

  private void finish() throws SQLException {
    if (connection != null) {
      connection.commit();
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      log.info(
          "Snapshot complete: {} rows in {} s ({} rows/s)",
          totalRows,
          String.format("%.1f", seconds),
          seconds > 0 ? Math.round(totalRows / seconds) : totalRows);
    }
    close();
  }

  /** The index of the table being copied (for resuming elsewhere). */
  int tableIndex() {
    return Math.max(0, copy != null ? tableIndex - 1 : tableIndex);
  }

  @Override
  public void close() {
    if (copy != null) {
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        // The connection is closed next; a failed cancel changes nothing.
      }
      copy = null;
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing quietly: the snapshot is abandoned or complete.
      }
      connection = null;
    }
  }
}
