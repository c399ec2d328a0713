package io.pgcdc.connector.statement;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad records to Connect's dead letter queue ({@code errors.tolerance=all}), each with headers
 * {@code pgcdc.error.sqlstate}, {@code pgcdc.error.message} and {@code pgcdc.error.statement} (the
 * setting and its SQL as written, never the values). {@link #await} waits until the queue has them,
 * so that the transaction that skips them commits only after.
 */
final class DeadLetters {
  static final String SQLSTATE_HEADER = "pgcdc.error.sqlstate";
  static final String MESSAGE_HEADER = "pgcdc.error.message";
  static final String STATEMENT_HEADER = "pgcdc.error.statement";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final ErrantRecordReporter reporter;
  private final List<Future<Void>> pending = new ArrayList<>();

  /** {@code reporter} null: no dead letter queue and no error log; bad records are logged. */
  DeadLetters(ErrantRecordReporter reporter) {
    this.reporter = reporter;
  }

  void report(SinkRecord record, String sqlState, String statement, Exception error) {
    if (reporter == null) {
      LOG.warn(
          "Skipping the record at topic {}, partition {}, offset {} (errors.tolerance=all, no dead"
              + " letter queue): {}",
          record.topic(),
          record.kafkaPartition(),
          record.kafkaOffset(),
          error.getMessage());
      return;
    }
    Headers headers = new ConnectHeaders(record.headers());
    if (sqlState != null) {
      headers.addString(SQLSTATE_HEADER, sqlState);
    }
    headers.addString(MESSAGE_HEADER, String.valueOf(error.getMessage()));
    if (statement != null) {
      headers.addString(STATEMENT_HEADER, statement);
    }
    SinkRecord withHeaders =
        new SinkRecord(
            record.topic(),
            record.kafkaPartition(),
            record.keySchema(),
            record.key(),
            record.valueSchema(),
            record.value(),
            record.kafkaOffset(),
            record.timestamp(),
            record.timestampType(),
            headers,
            record.originalTopic(),
            record.originalKafkaPartition(),
            record.originalKafkaOffset());
    pending.add(reporter.report(withHeaders, error));
  }

  /** Waits until every reported record is in the dead letter queue. */
  void await() {
    try {
      for (Future<Void> f : pending) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while sending records to the dead letter queue", e);
    } catch (ExecutionException e) {
      throw new ConnectException(
          "Could not send a record to the dead letter queue: " + e.getCause(), e.getCause());
    } finally {
      pending.clear();
    }
  }

  /** Forgets reports of a transaction that was rolled back and will be run again. */
  void clear() {
    pending.clear();
  }
}
