package io.pgcdc.connector.source;

import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.validate.SourceValidation;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Captures changes of PostgreSQL tables: a consistent snapshot, then every committed change from a
 * logical replication slot (pgoutput). One task: a slot is read by one reader.
 */
public class PostgresSourceConnector extends SourceConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public ConfigDef config() {
    return PostgresSourceConfig.CONFIG_DEF;
  }

  @Override
  public void start(Map<String, String> props) {
    new PostgresSourceConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return PostgresSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(props);
  }

  @Override
  public void stop() {
    // The slot and the publication stay: a stopped or restarted connector resumes from them.
  }

  /**
   * Supported: a record's offset (commit LSN and position in the transaction) names it exactly, a
   * restarted task skips what its committed offset covers, and the slot is confirmed only after
   * Connect has committed (see {@link OffsetTracker}). On a worker with {@code
   * exactly.once.source.support=enabled}, Connect writes records and offsets in one transaction, so
   * each streamed change is in Kafka once. A snapshot interrupted by a crash re-reads its
   * unfinished part (docs/operations.md).
   */
  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /**
   * Offsets given through Connect's offsets API (KIP-875) while the connector is stopped: a reset
   * (null) is always accepted; a new position must be a streaming position the slot can still serve
   * ({@link OffsetAlteration}). What either means for the slot: docs/operations.md.
   */
  @Override
  public boolean alterOffsets(
      Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    PostgresSourceConfig config = new PostgresSourceConfig(connectorConfig);
    SourceOffset position = OffsetAlteration.checkForm(config.slotName(), offsets);
    if (position != null) {
      OffsetAlteration.checkServable(config, position);
    }
    return true;
  }

  /**
   * Checks each setting alone, then against the database ({@link SourceValidation}): it is
   * reachable with these credentials and SSL settings, logical decoding is on, the listed tables
   * exist, may be read and have a key, the user may replicate, the slot is free (or one can be
   * created), and the publication fits or can be created or changed. Each error is on the setting
   * to change and says what to do.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty())) {
      SourceValidation.check(new PostgresSourceConfig(connectorConfigs), result);
    }
    return result;
  }
}
