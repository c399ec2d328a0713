package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * The query source: named SELECTs and statements run on schedules, their rows (or results) as
 * records. Each query runs in one task; the queries are spread over up to {@code tasks.max} tasks.
 */
public final class PostgresQuerySourceConnector extends SourceConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    new QuerySourceConfig(props); // fails on a bad config before any task starts
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return QueryTask.class;
  }

  /** Query i goes to task i mod n: each query has one task, so its runs never overlap. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<String> queries = new QuerySourceConfig(props).getList(QuerySourceConfig.QUERIES_CONFIG);
    int tasks = Math.min(maxTasks, queries.size());
    List<Map<String, String>> configs = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      List<String> mine = new ArrayList<>();
      for (int q = t; q < queries.size(); q += tasks) {
        mine.add(queries.get(q));
      }
      Map<String, String> config = new HashMap<>(props);
      config.put(QuerySourceConfig.QUERIES_CONFIG, String.join(",", mine));
      config.put(QueryTask.NAME, props.getOrDefault("name", "query"));
      configs.add(config);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return QuerySourceConfig.configDef();
  }

  /** Adds what the per-query settings get wrong, which the ConfigDef does not define. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    boolean clean = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    if (clean) {
      try {
        new QuerySourceConfig(connectorConfigs);
      } catch (ConfigException e) {
        ConfigValue queries =
            result.configValues().stream()
                .filter(v -> v.name().equals(QuerySourceConfig.QUERIES_CONFIG))
                .findFirst()
                .orElseThrow();
        queries.addErrorMessage(e.getMessage());
      }
    }
    return result;
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /** With {@code transaction.boundary=connector}, each run is one transaction. */
  @Override
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(
      Map<String, String> connectorConfig) {
    return ConnectorTransactionBoundaries.SUPPORTED;
  }
}
