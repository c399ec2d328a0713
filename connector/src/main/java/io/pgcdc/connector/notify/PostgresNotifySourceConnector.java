package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.Version;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Turns PostgreSQL notifications (NOTIFY, pg_notify()) on a list of channels into records, as an
 * ordinary login role: no extension, no replication privilege. One task, one listening connection.
 * NOTIFY promises nothing to a client that is not connected: after a reconnect or a restart the
 * task writes a gap record per channel. For events that must not be lost, docs/notify.md shows the
 * durable twin (pg_logical_emit_message, read by the CDC source).
 */
public class PostgresNotifySourceConnector extends SourceConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public ConfigDef config() {
    return PostgresNotifySourceConfig.CONFIG_DEF;
  }

  @Override
  public void start(Map<String, String> props) {
    PostgresNotifySourceConfig config = new PostgresNotifySourceConfig(props);
    List<Map.Entry<String, String>> problems = config.crossFieldProblems();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.get(0).getKey(), null, problems.get(0).getValue());
    }
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return PostgresNotifySourceTask.class;
  }

  /** One task: one connection receives every channel's notifications, in commit order. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(props);
  }

  @Override
  public void stop() {
    // Nothing to clean up on the server: LISTEN ends with the task's connection.
  }

  /**
   * Checks each setting alone, then between settings and against the server ({@link
   * NotifyValidation}); each error is on the setting to change and says what to do.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty())) {
      NotifyValidation.check(new PostgresNotifySourceConfig(connectorConfigs), result);
    }
    return result;
  }
}
