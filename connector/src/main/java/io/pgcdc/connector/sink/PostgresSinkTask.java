package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.BatchWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each {@code put()} batch to PostgreSQL on a writer thread, so that the worker converts the
 * next batch while this one is written; at most one batch is in flight. {@link #flush} (which
 * Connect calls before it commits offsets) and a rebalance wait for it, so every offset Connect
 * commits belongs to a committed write, and a failed write fails the task at the next call.
 */
public class PostgresSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkTask.class);

  private SinkApplier applier;
  private OffsetLedger ledger;
  private ConnectionSettings settings;
  private ExecutorService writer;
  private Future<?> inFlight;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    PostgresSinkConfig config = new PostgresSinkConfig(props);
    String name = props.getOrDefault("name", "pgcdc-sink");
    settings = config.connectionSettings("pgcdc-sink " + name);
    ledger = config.exactlyOnce() ? new OffsetLedger(config.offsetsTable(), name) : null;
    BatchWriter batchWriter = new BatchWriter(config, settings, ledger);
    boolean tolerateAll = "all".equalsIgnoreCase(props.get("errors.tolerance"));
    applier =
        new SinkApplier(
            config, new ChangeReader(config), batchWriter, tolerateAll, errantRecordReporter());
    writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgcdc-sink-writer-" + name);
              t.setDaemon(true);
              return t;
            });
    LOG.info(
        "Started sink task for {} writing to {}", name, config.connectionSettings("").describe());
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // a worker older than Kafka 2.6
    }
  }

  /**
   * With exactly.once, rewinds each assigned partition to the offset after the last one the
   * database's ledger holds, so that Kafka's committed offsets, which can lag, never decide.
   */
  @Override
  public void open(Collection<TopicPartition> partitions) {
    if (ledger == null || partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> rewind = new HashMap<>();
    try (Connection c = settings.open()) {
      c.setAutoCommit(false);
      ledger.create(c);
      ledger
          .open(c, partitions)
          .forEach(
              (tp, offset) -> {
                if (offset >= 0) {
                  rewind.put(tp, offset + 1);
                }
              });
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
      String message =
          "Could not read the offsets ledger "
              + ledger
              + state
              + ": "
              + e.getMessage()
              + "; the user needs SELECT, INSERT, UPDATE on it (or CREATE on its schema to create"
              + " it), or set "
              + PostgresSinkConfig.EXACTLY_ONCE_CONFIG
              + "=false";
      throw PgErrors.isTransient(e)
          ? new RetriableException(message, e)
          : new ConnectException(message, e);
    }
    if (!rewind.isEmpty()) {
      LOG.info("Starting from the offsets after those in the ledger: {}", rewind);
      context.offset(rewind);
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    awaitInFlight();
    if (!records.isEmpty()) {
      List<SinkRecord> batch = new ArrayList<>(records);
      inFlight = writer.submit(() -> applier.apply(batch));
    }
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    awaitInFlight();
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    awaitInFlight(); // before another task takes these partitions over
  }

  /** Waits for the batch being written; rethrows its failure. */
  private void awaitInFlight() {
    Future<?> pending = inFlight;
    if (pending == null) {
      return;
    }
    try {
      pending.get();
      inFlight = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while waiting for a batch to be written", e);
    } catch (ExecutionException e) {
      inFlight = null;
      Throwable cause = e.getCause();
      if (cause instanceof ConnectException ce) {
        throw ce;
      }
      throw new ConnectException("Writing a batch failed: " + cause, cause);
    }
  }

  @Override
  public void stop() {
    if (writer != null) {
      writer.shutdown();
      try {
        if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("A batch was still being written when the task stopped; it is rolled back");
          writer.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (applier != null) {
      applier.close();
    }
  }
}
