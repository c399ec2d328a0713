package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.BatchWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
 * Reads the records of each {@code put()} into batches of up to batch.size records ({@link
 * SinkBatches}), which a writer thread writes to PostgreSQL while the worker converts and this task
 * reads the next. {@link #preCommit} (before Connect commits offsets, also before it revokes
 * partitions) writes what was read and waits for it, and hands back only offsets of records
 * committed in PostgreSQL; closing partitions waits for the batch being written and drops their
 * records not yet sent (Connect delivers them again). A failed write fails the task at the next
 * call.
 */
public class PostgresSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkTask.class);

  private SinkApplier applier;
  private OffsetLedger ledger;
  private ConnectionSettings settings;
  private SinkBatches batches;

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
    batches = new SinkBatches(applier, config.batchSize(), config.batchLinger().toMillis(), name);
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
    long wait = batches.add(records);
    if (wait >= 0) {
      context.timeout(wait); // the next put() comes within that time, with or without records
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    return batches.flush(currentOffsets.keySet());
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    batches.flush(currentOffsets.keySet());
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    batches.close(partitions); // another task may take these partitions over
  }

  @Override
  public void stop() {
    if (batches != null) {
      batches.close();
    }
    if (applier != null) {
      applier.close();
    }
  }
}
