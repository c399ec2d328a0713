package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.ConnectionChecks;
import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;

/**
 * The notify source's cross-field and live checks: the server is reachable with these settings (the
 * same connection errors as the other connectors), is a primary (LISTEN is refused during
 * recovery), takes a LISTEN on each channel, and lets the user read the queue usage.
 */
final class NotifyValidation {
  private NotifyValidation() {}

  static void check(PostgresNotifySourceConfig config, Config result) {
    for (Map.Entry<String, String> problem : config.crossFieldProblems()) {
      ConnectionChecks.error(result, problem.getKey(), problem.getValue());
    }
    ConnectionSettings settings;
    try {
      settings = config.connection("pgcdc-notify-validate");
    } catch (ConfigException e) {
      ConnectionChecks.error(result, ConnectionConfig.URL_CONFIG, e.getMessage());
      return;
    }
    if (!ConnectionChecks.checkSslFiles(config, settings, result)) {
      return;
    }
    try (Connection c = settings.open()) {
      checkServer(result, c);
      checkListen(result, config.channels(), c);
    } catch (SQLException e) {
      ConnectionChecks.connectFailed(config, settings, e, result);
    }
  }

  private static void checkServer(Config result, Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_is_in_recovery(), current_user, has_function_privilege("
                    + "'pg_catalog.pg_notification_queue_usage()', 'EXECUTE')")) {
      rs.next();
      if (rs.getBoolean(1)) {
        ConnectionChecks.error(
            result,
            ConnectionConfig.HOST_CONFIG,
            "The server is a standby (in recovery), where LISTEN is not allowed: connect to the"
                + " primary");
      }
      if (!rs.getBoolean(3)) {
        String user = Identifiers.quote(rs.getString(2));
        ConnectionChecks.error(
            result,
            ConnectionConfig.USER_CONFIG,
            "User "
                + user
                + " may not call pg_notification_queue_usage(), which the task calls to check its"
                + " connection: run GRANT EXECUTE ON FUNCTION pg_notification_queue_usage() TO "
                + user
                + " (as a superuser)");
      }
    }
  }

  /** LISTEN on each channel in a transaction that is rolled back: no lasting effect. */
  private static void checkListen(Config result, Channels channels, Connection c)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String channel : channels.names()) {
        s.execute(Channels.listen(channel));
      }
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e;
      }
      ConnectionChecks.error(
          result, PostgresNotifySourceConfig.CHANNELS_CONFIG, "LISTEN failed: " + e.getMessage());
    } finally {
      c.rollback();
    }
  }
}
