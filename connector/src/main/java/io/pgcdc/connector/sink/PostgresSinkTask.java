package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.BatchWriter;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
  private SinkBatches batches;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    PostgresSinkConfig config = new PostgresSinkConfig(props);
    String name = props.getOrDefault("name", "pgcdc-sink");
    BatchWriter batchWriter =
        new BatchWriter(config, config.connectionSettings("pgcdc-sink " + name));
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
