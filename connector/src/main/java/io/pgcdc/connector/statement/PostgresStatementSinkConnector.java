package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The statement sink: the user's SQL for each record, with named parameters bound from the record,
 * a batch of records per transaction, each record once (the offsets ledger). {@link #validate} also
 * prepares the statements on the server and checks the ledger table.
 */
public final class PostgresStatementSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    StatementSinkConfig config = new StatementSinkConfig(props); // fails on a bad config early
    StatementApplier.templates(config); // and on a bad template
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return PostgresStatementSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return StatementSinkConfig.CONFIG_DEF;
  }

  /**
   * The checks of each setting, then the templates and the database ({@link StatementValidation}).
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
      return result;
    }
    StatementSinkConfig config;
    try {
      config = new StatementSinkConfig(connectorConfigs);
    } catch (ConfigException e) {
      StatementValidation.error(result, StatementSinkConfig.STATEMENT_CONFIG, e.getMessage());
      return result;
    }
    StatementValidation.check(config, result);
    return result;
  }
}
