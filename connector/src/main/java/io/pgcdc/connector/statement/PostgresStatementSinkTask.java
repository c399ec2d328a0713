package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Version;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statements of each {@code put()} in one transaction ({@link StatementApplier}). With
 * {@code exactly.once}, {@link #open} rewinds each assigned partition to the offset after the last
 * one the database's ledger holds, so that Kafka's committed offsets, which can lag, never decide
 * what runs.
 */
public class PostgresStatementSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStatementSinkTask.class);

  private StatementApplier applier;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    StatementSinkConfig config = new StatementSinkConfig(props);
    String name = props.getOrDefault("name", "pgcdc-statement");
    boolean tolerateAll = "all".equalsIgnoreCase(props.get("errors.tolerance"));
    applier =
        new StatementApplier(
            config,
            config.connection("pgcdc-statement " + name),
            name,
            tolerateAll,
            new DeadLetters(errantRecordReporter()));
    applier.runSqlFiles(); // before the first record
    LOG.info("Started statement sink task for {} on {}", name, config.connection("").describe());
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // a worker older than Kafka 2.6
    }
  }

  /** Rewinds each partition to the offset after the ledger's, when the ledger has one. */
  @Override
  public void open(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> stored = applier.open(partitions);
    Map<TopicPartition, Long> rewind = new HashMap<>();
    stored.forEach((tp, offset) -> rewind.put(tp, offset + 1));
    if (!rewind.isEmpty()) {
      LOG.info("Starting from the offsets after those in the ledger: {}", rewind);
      context.offset(rewind);
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    applier.apply(new ArrayList<>(records));
  }

  /** Every put() committed before it returned: the offsets Connect has are applied. */
  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    return currentOffsets;
  }

  @Override
  public void stop() {
    if (applier != null) {
      applier.close();
    }
  }
}
