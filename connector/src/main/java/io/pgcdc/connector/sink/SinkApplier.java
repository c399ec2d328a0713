package io.pgcdc.connector.sink;

import static io.pgcdc.connector.sink.WriteErrors.describe;
import static io.pgcdc.connector.sink.WriteErrors.isStaleMetadata;
import static io.pgcdc.connector.sink.WriteErrors.isTableLevel;
import static io.pgcdc.connector.sink.WriteErrors.isolatable;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PendingBatch.Rejection;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.ChangeWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies records: reads them into a {@link PendingBatch} (on the task thread), writes a batch in
 * one transaction (on the writer thread), retries a batch after a transient failure (the rolled
 * back transaction is redone whole), and isolates bad records by bisection, or all records of a
 * table when the error belongs to that table (see {@link WriteErrors}). A bad record goes to the
 * dead letter queue when errors are tolerated; otherwise the task stops with a message naming the
 * record and its table.
 */
final class SinkApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkApplier.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Comparator<SinkRecord> RECORD_ORDER =
      Comparator.comparing(SinkRecord::topic)
          .thenComparing(SinkRecord::kafkaPartition)
          .thenComparingLong(SinkRecord::kafkaOffset);

  private final ChangeReader reader;
  private final ChangeWriter writer;
  private final int batchSize;
  private final int maxRetries;
  private final Backoff backoff;
  private final boolean tolerateAll;
  private final ErrantRecordReporter reporter;

  /** While a batch is written table by table: the ledger stays below these offsets. */
  private Map<TopicPartition, Long> tableByTable = Map.of();

  /** Whether the current batch was written table by table (the ledger held at its start). */
  private boolean heldWholeBatch;

  SinkApplier(
      PostgresSinkConfig config,
      ChangeReader reader,
      ChangeWriter writer,
      boolean tolerateAll,
      ErrantRecordReporter reporter) {
    this.reader = reader;
    this.writer = writer;
    this.batchSize = config.batchSize();
    this.maxRetries = config.maxRetries();
    this.backoff = new Backoff(config.retryBackoff(), MAX_BACKOFF);
    this.tolerateAll = tolerateAll;
    this.reporter = reporter;
  }

  /** Reads and writes the records in transactions of at most batch.size records. */
  void apply(Collection<SinkRecord> records) {
    PendingBatch batch = null;
    for (SinkRecord record : records) {
      if (batch == null) {
        batch = new PendingBatch(System.nanoTime());
      }
      read(record, batch);
      if (batch.records() >= batchSize) {
        write(batch);
        batch = null;
      }
    }
    if (batch != null) {
      write(batch);
    }
  }

  /**
   * Reads a record into the batch (on the task thread, while the writer thread writes the batch
   * before). A bad record is added to the batch's rejections when errors are tolerated; otherwise
   * the task stops here, before any later record is written.
   */
  void read(SinkRecord record, PendingBatch batch) {
    try {
      RowChange change = reader.read(record);
      if (change != null) {
        batch.changes().add(change);
      }
    } catch (BadRecordException | DataException | ClassCastException e) {
      String message = rejection(record, null, e.getMessage());
      if (!tolerateAll) {
        throw stop(message, e); // the writer is left alone: it may be writing the batch before
      }
      batch.rejections().add(new Rejection(record, message, e));
    }
    batch.count(record);
    if (LOG.isDebugEnabled() && batch.records() == 1) {
      Map<String, Long> skipped = reader.drainSkipped();
      if (!skipped.isEmpty()) {
        LOG.debug("Skipped records by reason: {}", skipped);
      }
    }
  }

  /**
   * Writes a batch in one transaction (retried whole after a transient failure) and reports its bad
   * records; once this returns, every record of the batch is done with.
   */
  void write(PendingBatch batch) {
    writeWithRetries(batch.changes(), batch.rejections());
    report(batch.rejections());
    if (!batch.rejections().isEmpty() || heldWholeBatch) {
      // Every record of the batch is written or in the dead letter queue now.
      Map<TopicPartition, Long> last = new HashMap<>();
      batch.nextOffsets().forEach((tp, next) -> last.put(tp, next.offset() - 1));
      writer.ledgerAt(last);
    }
    heldWholeBatch = false;
  }

  private void writeWithRetries(List<RowChange> changes, List<Rejection> rejections) {
    int readRejections = rejections.size();
    for (int attempt = 0; ; attempt++) {
      try {
        write(prepare(changes, rejections, attempt), rejections, attempt);
        return;
      } catch (SQLException | RuntimeException e) {
        if (e instanceof ConnectException) {
          writer.reset();
          throw (ConnectException) e;
        }
        boolean stale = isStaleMetadata(e);
        if (!PgErrors.isTransient(e) && !(stale && attempt == 0)) {
          writer.reset();
          throw new ConnectException(
              "Writing to PostgreSQL failed: "
                  + describe(e)
                  + ". The task stops; no offset past"
                  + " the last written record is committed.",
              e);
        }
        if (attempt >= maxRetries) {
          writer.reset();
          throw new ConnectException(
              "Writing to PostgreSQL failed after "
                  + maxRetries
                  + " retries (max.retries): "
                  + describe(e),
              e);
        }
        // The transaction was rolled back: redo the whole batch on a fresh connection, and
        // forget the bad records found in the failed attempt (they are found again).
        rejections.subList(readRejections, rejections.size()).clear();
        writer.reset();
        Duration wait = stale ? Duration.ZERO : backoff.after(attempt);
        LOG.warn(
            "Writing a batch failed ({}); retry {} of {} in {} ms",
            describe(e),
            attempt + 1,
            maxRetries,
            wait.toMillis());
        sleep(wait);
      }
    }
  }

  /**
   * Makes the tables fit the changes. When that fails for one table's sake (the sink may not create
   * or alter it), prepares table by table, and the records of a table that fails are bad records.
   */
  private List<RowChange> prepare(List<RowChange> changes, List<Rejection> rejections, int attempt)
      throws SQLException {
    int mark = rejections.size();
    try {
      return writer.prepare(changes, rejecter(rejections));
    } catch (SQLException e) {
      if (!isolatable(e, attempt) || !isTableLevel(e)) {
        throw e;
      }
      rejections.subList(mark, rejections.size()).clear();
      writer.reset();
    }
    List<RowChange> ready = new ArrayList<>(changes.size());
    for (List<RowChange> table : byTable(changes)) {
      int tableMark = rejections.size();
      try {
        ready.addAll(writer.prepare(table, rejecter(rejections)));
      } catch (SQLException e) {
        if (!isolatable(e, attempt) || !isTableLevel(e)) {
          throw e;
        }
        rejections.subList(tableMark, rejections.size()).clear();
        rejectAll(rejections, table, e);
      }
    }
    return ready;
  }

  /**
   * Writes the changes in one transaction. When that fails for one table's sake (a missing
   * privilege, say) and errors are tolerated, writes table by table, and the records of a table
   * that fails are bad records; when it fails for a record's sake (or to find the table that fails
   * when errors are not tolerated), bisects.
   */
  private void write(List<RowChange> changes, List<Rejection> rejections, int attempt)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try {
      write(changes, rejections);
      return;
    } catch (SQLException e) {
      if (!isolatable(e, attempt)) {
        throw e;
      }
      if (!tolerateAll || !isTableLevel(e)) {
        bisect(inRecordOrder(changes), rejections, attempt);
        return;
      }
    }
    // Table by table is not in offset order: the ledger stays where it is until a later batch.
    tableByTable = firstOffsets(changes);
    heldWholeBatch = true;
    try {
      writeByTable(changes, rejections, attempt);
    } finally {
      tableByTable = Map.of();
    }
  }

  private void writeByTable(List<RowChange> changes, List<Rejection> rejections, int attempt)
      throws SQLException {
    for (List<RowChange> table : byTable(changes)) {
      try {
        write(table, rejections);
      } catch (SQLException e) {
        if (!isolatable(e, attempt)) {
          throw e;
        }
        if (isTableLevel(e)) {
          rejectAll(rejections, table, e);
        } else {
          bisect(table, rejections, attempt);
        }
      }
    }
  }

  /**
   * Writes the changes in one transaction; when that fails because of the data, writes each half on
   * its own, down to the single record that fails.
   */
  private void bisect(List<RowChange> changes, List<Rejection> rejections, int attempt)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try {
      write(changes, rejections);
    } catch (SQLException e) {
      if (!isolatable(e, attempt)) {
        throw e;
      }
      if (changes.size() == 1) {
        RowChange change = changes.get(0);
        reject(rejections, change.record(), change.table(), describe(e), e);
        return;
      }
      int mid = changes.size() / 2;
      bisect(changes.subList(0, mid), rejections, attempt);
      bisect(changes.subList(mid, changes.size()), rejections, attempt);
    }
  }

  /**
   * Writes the changes in one transaction, the offsets ledger kept below the bad records found so
   * far (they reach the dead letter queue only after the batch): a crash before that makes them
   * come again, not vanish.
   */
  private void write(List<RowChange> changes, List<Rejection> rejections) throws SQLException {
    Map<TopicPartition, Long> first = new HashMap<>(tableByTable);
    for (Rejection r : rejections) {
      first.merge(
          OffsetLedger.partitionOf(r.record()), r.record().originalKafkaOffset(), Math::min);
    }
    writer.holdLedgerBelow(first);
    writer.write(changes);
  }

  private static Map<TopicPartition, Long> firstOffsets(List<RowChange> changes) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (RowChange change : changes) {
      first.merge(
          OffsetLedger.partitionOf(change.record()),
          change.record().originalKafkaOffset(),
          Math::min);
    }
    return first;
  }

  /**
   * The changes in offset order per partition ({@link ChangeWriter#prepare} groups them by table),
   * so that bisection writes no record after the first bad one of its partition.
   */
  private static List<RowChange> inRecordOrder(List<RowChange> changes) {
    List<RowChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparing(RowChange::record, RECORD_ORDER));
    return sorted;
  }

  private static List<List<RowChange>> byTable(List<RowChange> changes) {
    Map<TableId, List<RowChange>> byTable = new LinkedHashMap<>();
    for (RowChange change : changes) {
      byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
    }
    return new ArrayList<>(byTable.values());
  }

  private BiConsumer<RowChange, BadRecordException> rejecter(List<Rejection> rejections) {
    return (change, e) -> reject(rejections, change.record(), change.table(), e.getMessage(), e);
  }

  private void rejectAll(List<Rejection> rejections, List<RowChange> changes, SQLException e) {
    String reason = describe(e);
    for (RowChange change : changes) {
      reject(rejections, change.record(), change.table(), reason, e);
    }
  }

  private void reject(
      List<Rejection> rejections,
      SinkRecord record,
      TableId table,
      String reason,
      Throwable cause) {
    String message = rejection(record, table, reason);
    if (!tolerateAll) {
      writer.reset();
      throw stop(message, cause);
    }
    rejections.add(new Rejection(record, message, cause));
  }

  private static String rejection(SinkRecord record, TableId table, String reason) {
    return "Cannot write the record at topic "
        + record.topic()
        + ", partition "
        + record.kafkaPartition()
        + ", offset "
        + record.kafkaOffset()
        + (table == null ? "" : " to table " + table)
        + ": "
        + reason;
  }

  private static ConnectException stop(String message, Throwable cause) {
    return new ConnectException(
        message
            + ". The task stops; no offset past the last written record is committed (set"
            + " errors.tolerance=all and errors.deadletterqueue.topic.name to route such"
            + " records to a dead letter queue).",
        cause);
  }

  /**
   * Sends the bad records to the dead letter queue and waits until it has them: the batch counts as
   * written (and its offsets may be committed) only then.
   */
  private void report(List<Rejection> rejections) {
    rejections.sort(Comparator.comparing(Rejection::record, RECORD_ORDER));
    List<Future<Void>> sent = new ArrayList<>();
    for (Rejection r : rejections) {
      if (reporter != null) {
        sent.add(reporter.report(r.record(), new BadRecordException(r.message(), r.cause())));
      } else {
        LOG.warn(
            "{} (errors.tolerance=all and no dead letter queue: the record is skipped)",
            r.message());
      }
    }
    for (Future<Void> future : sent) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectException("Interrupted while sending records to the dead letter queue", e);
      } catch (ExecutionException e) {
        throw new ConnectException(
            "Cannot send a bad record to the dead letter queue: " + e.getCause().getMessage(),
            e.getCause());
      }
    }
  }

  private static void sleep(Duration wait) {
    if (!Backoff.sleep(wait)) {
      throw new ConnectException("Interrupted while waiting to retry a batch");
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
