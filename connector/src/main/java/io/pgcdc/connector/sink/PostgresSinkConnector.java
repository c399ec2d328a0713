package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.sink.read.TableNameTemplate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Applies change records to PostgreSQL: upserts by primary key and deletes, into tables named by a
 * template. {@link #validate} also tests the connection and, when the table is fixed and not
 * created by the connector, that it exists.
 */
public class PostgresSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    PostgresSinkConfig config = new PostgresSinkConfig(props);
    List<Map.Entry<String, String>> problems = config.crossFieldProblems();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.get(0).getKey(), null, problems.get(0).getValue());
    }
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return PostgresSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return PostgresSinkConfig.CONFIG_DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
      return result;
    }
    PostgresSinkConfig config = new PostgresSinkConfig(connectorConfigs);
    for (Map.Entry<String, String> problem : config.crossFieldProblems()) {
      addError(result, problem.getKey(), problem.getValue());
    }
    ConnectionSettings settings;
    try {
      settings = config.connectionSettings("pgcdc-sink validate");
    } catch (ConfigException e) {
      String field =
          e.getMessage().startsWith(ConnectionConfig.USER_CONFIG)
              ? ConnectionConfig.USER_CONFIG
              : e.getMessage().startsWith(ConnectionConfig.DATABASE_CONFIG)
                  ? ConnectionConfig.DATABASE_CONFIG
                  : ConnectionConfig.URL_CONFIG;
      addError(result, field, e.getMessage());
      return result;
    }
    checkConnection(result, config, settings, connectorConfigs);
    return result;
  }

  private static void checkConnection(
      Config result,
      PostgresSinkConfig config,
      ConnectionSettings settings,
      Map<String, String> connectorConfigs) {
    try (Connection c = settings.open()) {
      TableNameTemplate template = TableNameTemplate.parse(config.tableNameFormat());
      if (!config.autoCreate() && template.isConstant()) {
        TableId table = TableNameTemplate.toTableId(config.tableNameFormat());
        if (!tableExists(c, table)) {
          addError(
              result,
              PostgresSinkConfig.TABLE_NAME_FORMAT_CONFIG,
              "The table "
                  + table
                  + " does not exist in "
                  + settings.describe()
                  + ": create it, or set auto.create=true");
        }
      }
      if (config.exactlyOnce()) {
        String problem =
            OffsetLedger.problem(
                c,
                config.offsetsTable(),
                ", name another table in "
                    + PostgresSinkConfig.OFFSETS_TABLE_CONFIG
                    + ", or set "
                    + PostgresSinkConfig.EXACTLY_ONCE_CONFIG
                    + "=false (a crash may then write records again)");
        if (problem != null) {
          addError(result, PostgresSinkConfig.OFFSETS_TABLE_CONFIG, problem);
        }
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String field;
      String hint;
      if (state.startsWith("28")) {
        field = ConnectionConfig.PASSWORD_CONFIG;
        hint = "check connection.user and connection.password, and pg_hba.conf on the server";
      } else if (state.equals("3D000")) {
        field = ConnectionConfig.DATABASE_CONFIG;
        hint = "check connection.database";
      } else {
        field = ConnectionConfig.HOST_CONFIG;
        hint =
            "check connection.host and connection.port, that the server is running and accepts"
                + " connections from the Connect worker (listen_addresses, pg_hba.conf), and"
                + " connection.sslmode";
      }
      if (connectorConfigs.get(ConnectionConfig.URL_CONFIG) != null
          && connectorConfigs.get(field) == null) {
        field = ConnectionConfig.URL_CONFIG;
      }
      addError(
          result,
          field,
          "Cannot connect to " + settings.describe() + ": " + e.getMessage() + "; " + hint);
    } catch (IllegalArgumentException e) {
      addError(result, PostgresSinkConfig.TABLE_NAME_FORMAT_CONFIG, e.getMessage());
    }
  }

  private static boolean tableExists(Connection c, TableId table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r',"
                + " 'p')")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void addError(Config result, String name, String message) {
    Optional<ConfigValue> value =
        result.configValues().stream().filter(v -> v.name().equals(name)).findFirst();
    if (value.isPresent()) {
      value.get().addErrorMessage(message);
    } else {
      ConfigValue added = new ConfigValue(name);
      added.addErrorMessage(message);
      result.configValues().add(added);
    }
  }
}
