package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
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

  /**
   * Adds what the per-query settings get wrong, which the ConfigDef does not define, and what the
   * server says of the connection and of each query ({@link QueryValidation}).
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    boolean clean = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    if (clean) {
      QueryValidation.check(connectorConfigs, result);
    }
    return result;
  }

  /**
   * Checks a position given through {@code PATCH /connectors/NAME/offsets} (KIP-875): the partition
   * names one of the connector's queries, and the offset has the position its mode continues from
   * ({@code id} for incrementing, {@code ts} for timestamp, both for timestamp+incrementing, none
   * for bulk). A null offset resets the query: its next run starts over.
   */
  @Override
  public boolean alterOffsets(
      Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    Map<String, QuerySpec> queries = new HashMap<>();
    for (QuerySpec spec : new QuerySourceConfig(connectorConfig).queries()) {
      queries.put(spec.name(), spec);
    }
    offsets.forEach((partition, offset) -> checkOffset(queries, partition, offset));
    return true;
  }

  private static void checkOffset(
      Map<String, QuerySpec> queries, Map<String, ?> partition, Map<String, ?> offset) {
    Object name = partition == null ? null : partition.get(QueryOffset.PARTITION_KEY);
    if (!(name instanceof String query) || partition.size() != 1 || !queries.containsKey(query)) {
      throw new ConnectException(
          "The partition "
              + partition
              + " is none of this connector's: a partition is {\"query\": NAME} with NAME one of "
              + queries.keySet());
    }
    if (offset == null) {
      return;
    }
    QuerySpec spec = queries.get(query);
    QueryOffset position = QueryOffset.fromMap(query, offset);
    if (position.fingerprint() != null && !position.fingerprint().equals(spec.fingerprint())) {
      throw new ConnectException(
          "The offset of query "
              + query
              + " has a fingerprint of another SQL, mode or columns: leave '"
              + QueryOffset.FINGERPRINT
              + "' out of a position you give");
    }
    QueryMode mode = spec.mode();
    if (mode == QueryMode.XMIN) {
      checkHorizon(query, position, offset);
      return;
    }
    boolean needsTs = mode.usesTimestamp();
    boolean needsId = mode.usesIncrementing();
    if (position.horizon() != null
        || (position.timestamp() != null) != needsTs
        || (position.incrementing() != null) != needsId) {
      throw new ConnectException(
          "The offset of query "
              + query
              + " (mode "
              + mode.value()
              + ") must give "
              + (needsTs && needsId
                  ? "both '" + QueryOffset.TIMESTAMP + "' and '" + QueryOffset.INCREMENTING + "'"
                  : needsTs
                      ? "'" + QueryOffset.TIMESTAMP + "' only"
                      : needsId ? "'" + QueryOffset.INCREMENTING + "' only" : "no position")
              + " (the last value emitted, as text, e.g. {\"ts\": \"2026-12-01 00:00:00+00\","
              + " \"id\": \"41\"}); got "
              + offset);
    }
  }

  private static void checkHorizon(String query, QueryOffset position, Map<String, ?> offset) {
    boolean ok = position.timestamp() == null && position.incrementing() == null;
    try {
      ok &= position.horizon() == null || Long.parseLong(position.horizon()) >= 0;
    } catch (NumberFormatException e) {
      ok = false;
    }
    if (!ok) {
      throw new ConnectException(
          "The offset of query "
              + query
              + " (mode xmin) may give '"
              + QueryOffset.HORIZON
              + "' only: a transaction horizon as txid_snapshot_xmin() prints it, e.g. {\"xmin\":"
              + " \"751\"}; got "
              + offset);
    }
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
