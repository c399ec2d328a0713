package io.pgcdc.connector.sink;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each {@code put()} batch to PostgreSQL before returning, in transactions of at most
 * batch.size records; so every offset Connect commits belongs to a committed write.
 */
public class PostgresSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkTask.class);

  private SinkApplier applier;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    PostgresSinkConfig config = new PostgresSinkConfig(props);
    String name = props.getOrDefault("name", "pgcdc-sink");
    BatchWriter writer = new BatchWriter(config, config.connectionSettings("pgcdc-sink " + name));
    boolean tolerateAll = "all".equalsIgnoreCase(props.get("errors.tolerance"));
    applier =
        new SinkApplier(
            config, new ChangeReader(config), writer, tolerateAll, errantRecordReporter());
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
    if (!records.isEmpty()) {
      applier.apply(records);
    }
  }

  @Override
  public void stop() {
    if (applier != null) {
      applier.close();
    }
  }
}
