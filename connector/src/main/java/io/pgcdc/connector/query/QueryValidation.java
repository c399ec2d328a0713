package io.pgcdc.connector.query;

import io.pgcdc.connector.common.ConnectionChecks;
import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;

/**
 * The query source's checks beyond the ConfigDef: the settings of each query, then, against the
 * server, the connection (the same connection errors as the other connectors) and each query
 * planned with {@code EXPLAIN} in a transaction that is rolled back, which reports what a run
 * would: a syntax error, an unknown table or column, a missing privilege, a parameter of the wrong
 * type. Only EXPLAIN, never the query itself. A query's problems go on {@code queries}, naming the
 * query's setting.
 */
final class QueryValidation {
  /** First words of statements that EXPLAIN can plan; others (CALL, DO, DDL) are not planned. */
  private static final Set<String> EXPLAINABLE =
      Set.of("select", "with", "values", "table", "insert", "update", "delete", "merge");

  private QueryValidation() {}

  static void check(Map<String, String> props, Config result) {
    QuerySourceConfig config;
    try {
      config = new QuerySourceConfig(props);
    } catch (ConfigException e) {
      ConnectionChecks.error(result, QuerySourceConfig.QUERIES_CONFIG, e.getMessage());
      return;
    }
    ConnectionSettings settings;
    try {
      settings = config.connection("pgcdc-query-validate");
    } catch (ConfigException e) {
      ConnectionChecks.error(result, ConnectionConfig.URL_CONFIG, e.getMessage());
      return;
    }
    if (!ConnectionChecks.checkSslFiles(config, settings, result)) {
      return;
    }
    Connection c;
    try {
      c = QueryConnection.open(settings, config.statementTimeout());
    } catch (SQLException e) {
      ConnectionChecks.connectFailed(config, settings, e, result);
      return;
    }
    try (c) {
      for (QuerySpec spec : config.queries()) {
        String problem = plan(c, spec, settings.user());
        if (problem != null) {
          ConnectionChecks.error(result, QuerySourceConfig.QUERIES_CONFIG, problem);
        }
      }
      checkBound(c, config, settings.user(), result);
    } catch (SQLException e) {
      ConnectionChecks.connectFailed(config, settings, e, result);
    }
  }

  /**
   * In the timestamp modes the bound comes from the other sessions' open transactions, which only a
   * superuser or a member of pg_read_all_stats sees; without that, the configured delay is all that
   * keeps a run from reading past a transaction still writing, and a delay of 0 is refused.
   */
  private static void checkBound(Connection c, QuerySourceConfig config, String user, Config result)
      throws SQLException {
    boolean timestamps = config.queries().stream().anyMatch(q -> q.mode().usesTimestamp());
    if (!timestamps || !config.timestampDelay().isZero()) {
      return;
    }
    boolean sees;
    try {
      sees = RowQuery.bound(c, config.timestampDelay()).fromTransactions();
    } finally {
      c.rollback();
    }
    if (!sees) {
      ConnectionChecks.error(
          result,
          QuerySourceConfig.TIMESTAMP_DELAY_CONFIG,
          "User "
              + user
              + " cannot see when other sessions' transactions started (it is neither a superuser"
              + " nor a member of pg_read_all_stats), so a timestamp-mode run could read past a"
              + " transaction that is still writing and miss its rows: GRANT pg_read_all_stats TO "
              + user
              + ", or set "
              + QuerySourceConfig.TIMESTAMP_DELAY_CONFIG
              + " above your longest writing transaction");
    }
  }

  /**
   * What EXPLAIN of the query's first run says is wrong, or null; a statement EXPLAIN cannot plan
   * (CALL, DO, DDL) is only parsed by the server, which finds its syntax errors.
   */
  private static String plan(Connection c, QuerySpec spec, String user) throws SQLException {
    String sql = spec.statement() ? spec.sql().sql() : RowQuery.sql(spec, false, 0);
    boolean explain = EXPLAINABLE.contains(QuerySpec.firstWord(spec.sqlText()));
    try (PreparedStatement ps = c.prepareStatement(explain ? "EXPLAIN " + sql : sql)) {
      if (!explain) {
        ps.getParameterMetaData(); // the server parses it, and runs nothing
        return null;
      }
      int i = 1;
      for (String name : spec.sql().names()) {
        ps.setObject(i++, spec.parameters().get(name), Types.OTHER);
      }
      if (!spec.statement() && spec.mode().usesTimestamp()) {
        ps.setObject(i, "infinity", Types.OTHER);
      }
      ps.executeQuery().close();
      return null;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e;
      }
      int prefix = (explain ? "EXPLAIN ".length() : 0) + RowQuery.userOffset(spec);
      return QueryErrors.describe(spec, user, e, prefix).getMessage();
    } finally {
      c.rollback();
    }
  }
}
