package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.TableId;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the records of one {@code put()}: reads them, writes them in transactions of at most
 * batch.size records, retries a batch after a transient failure (the rolled back transaction is
 * redone whole), and isolates bad records by bisection. A bad record goes to the dead letter queue
 * when errors are tolerated; otherwise the task stops with a message naming the record.
 */
final class SinkApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkApplier.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Pattern COPY_COLUMN = Pattern.compile("column ([^:]+):");

  private final ChangeReader reader;
  private final BatchWriter writer;
  private final int batchSize;
  private final int maxRetries;
  private final Duration backoff;
  private final boolean tolerateAll;
  private final ErrantRecordReporter reporter;

  /** A bad record and why; reported once its batch has been written. */
  private record Rejection(SinkRecord record, String message, Throwable cause) {}

  SinkApplier(
      PostgresSinkConfig config,
      ChangeReader reader,
      BatchWriter writer,
      boolean tolerateAll,
      ErrantRecordReporter reporter) {
    this.reader = reader;
    this.writer = writer;
    this.batchSize = config.batchSize();
    this.maxRetries = config.maxRetries();
    this.backoff = config.retryBackoff();
    this.tolerateAll = tolerateAll;
    this.reporter = reporter;
  }

  void apply(Collection<SinkRecord> records) {
    List<SinkRecord> all = records instanceof List<SinkRecord> l ? l : new ArrayList<>(records);
    for (int from = 0; from < all.size(); from += batchSize) {
      List<SinkRecord> chunk = all.subList(from, Math.min(all.size(), from + batchSize));
      List<Rejection> rejections = new ArrayList<>();
      List<RowChange> changes = read(chunk, rejections);
      writeWithRetries(changes, rejections);
      report(rejections);
    }
    if (LOG.isDebugEnabled()) {
      Map<String, Long> skipped = reader.drainSkipped();
      if (!skipped.isEmpty()) {
        LOG.debug("Skipped records by reason: {}", skipped);
      }
    }
  }

  private List<RowChange> read(List<SinkRecord> chunk, List<Rejection> rejections) {
    List<RowChange> changes = new ArrayList<>(chunk.size());
    for (SinkRecord record : chunk) {
      try {
        RowChange change = reader.read(record);
        if (change != null) {
          changes.add(change);
        }
      } catch (BadRecordException | DataException | ClassCastException e) {
        reject(rejections, record, null, e.getMessage(), e);
      }
    }
    return changes;
  }

  private void writeWithRetries(List<RowChange> changes, List<Rejection> rejections) {
    int readRejections = rejections.size();
    for (int attempt = 0; ; attempt++) {
      try {
        List<RowChange> ready =
            writer.prepare(
                changes,
                (change, e) ->
                    reject(rejections, change.record(), change.table(), e.getMessage(), e));
        bisect(ready, rejections);
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
        Duration wait = stale ? Duration.ZERO : backoff(attempt);
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
   * Writes the changes in one transaction; when that fails because of the data, writes each half on
   * its own, down to the single record that fails.
   */
  private void bisect(List<RowChange> changes, List<Rejection> rejections) throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try {
      writer.write(changes);
    } catch (SQLException e) {
      if (PgErrors.isTransient(e) || !isRecordLevel(e)) {
        throw e;
      }
      if (changes.size() == 1) {
        RowChange change = changes.get(0);
        reject(rejections, change.record(), change.table(), describe(e), e);
        return;
      }
      int mid = changes.size() / 2;
      bisect(changes.subList(0, mid), rejections);
      bisect(changes.subList(mid, changes.size()), rejections);
    }
  }

  private void reject(
      List<Rejection> rejections,
      SinkRecord record,
      TableId table,
      String reason,
      Throwable cause) {
    String message =
        "Cannot write the record at topic "
            + record.topic()
            + ", partition "
            + record.kafkaPartition()
            + ", offset "
            + record.kafkaOffset()
            + (table == null ? "" : " to table " + table)
            + ": "
            + reason;
    if (!tolerateAll) {
      writer.reset();
      throw new ConnectException(
          message
              + ". The task stops; no offset past the last written record is committed (set"
              + " errors.tolerance=all and errors.deadletterqueue.topic.name to route such"
              + " records to a dead letter queue).",
          cause);
    }
    rejections.add(new Rejection(record, message, cause));
  }

  /**
   * Sends the bad records to the dead letter queue and waits until it has them: the batch counts as
   * written (and its offsets may be committed) only then.
   */
  private void report(List<Rejection> rejections) {
    rejections.sort(
        java.util.Comparator.comparing((Rejection r) -> r.record().topic())
            .thenComparing(r -> r.record().kafkaPartition())
            .thenComparingLong(r -> r.record().kafkaOffset()));
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

  /** Data problems of single rows: bad values, constraint violations, rows too large. */
  static boolean isRecordLevel(Throwable e) {
    String state = PgErrors.sqlState(e);
    return state != null
        && (state.startsWith("22")
            || state.startsWith("23")
            || state.startsWith("21")
            || state.equals("54000"));
  }

  /** A table or column changed under us (dropped or altered): reload the metadata once. */
  private static boolean isStaleMetadata(Throwable e) {
    String state = PgErrors.sqlState(e);
    return "42P01".equals(state) || "42703".equals(state) || "42804".equals(state);
  }

  /** The server's message with the column and context it names. */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
        ServerErrorMessage m = p.getServerErrorMessage();
        StringBuilder sb = new StringBuilder();
        String column = m.getColumn();
        if (column == null && m.getWhere() != null) {
          Matcher matcher = COPY_COLUMN.matcher(m.getWhere());
          column = matcher.find() ? matcher.group(1) : null;
        }
        if (column != null) {
          sb.append("column ").append(column).append(": ");
        }
        sb.append(m.getMessage());
        if (m.getDetail() != null) {
          sb.append(" (").append(m.getDetail()).append(')');
        }
        if (m.getWhere() != null) {
          sb.append(" [").append(m.getWhere()).append(']');
        }
        sb.append(" SQLSTATE ").append(m.getSQLState());
        return sb.toString();
      }
    }
    String state = PgErrors.sqlState(e);
    return e.getMessage() + (state == null ? "" : " SQLSTATE " + state);
  }

  private Duration backoff(int attempt) {
    Duration wait = backoff.multipliedBy(1L << Math.min(attempt, 16));
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  private static void sleep(Duration wait) {
    if (wait.isZero()) {
      return;
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while waiting to retry a batch", e);
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
