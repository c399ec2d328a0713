package io.pgcdc.connector.source.signal;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.Catalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Sends a signal as the connector's own user, through the signal function, so that it is ordered in
 * the WAL like any other and checked by the task like any other. What the REST extension's {@code
 * /pgcdc/connectors/NAME/snapshot} endpoints call, in the worker, with the connector's config
 * (config providers resolved). Checks the tables and the condition first, so that the caller gets
 * the error.
 */
public final class SignalSender {
  private SignalSender() {}

  /** The signal's LSN, and the tables it names. */
  public record Sent(String lsn, List<TableId> tables) {}

  /** Thrown when the connector is not ready for signals; the message says what to do. */
  public static final class NotReady extends RuntimeException {
    NotReady(String message) {
      super(message);
    }
  }

  /**
   * Checks and sends one signal; throws {@link IllegalArgumentException} for a request to correct
   * (the message names the table or setting) and {@link NotReady} when the connector cannot take
   * signals yet.
   */
  public static Sent send(
      PostgresSourceConfig config, Signal.Action action, List<String> tables, String condition)
      throws SQLException {
    checkEnabled(config);
    if (action == Signal.Action.SNAPSHOT && tables.isEmpty()) {
      throw new IllegalArgumentException("Name the tables to snapshot: \"tables\": [\"public.t\"]");
    }
    if (action != Signal.Action.SNAPSHOT && condition != null) {
      throw new IllegalArgumentException("Only a snapshot takes a condition");
    }
    SignalFunction function = new SignalFunction(config);
    ConnectionSettings settings = config.connection("pgcdc-signal-" + config.connectorName());
    try (Connection c = settings.open()) {
      c.setAutoCommit(true);
      List<TableId> captured =
          Catalog.resolveTables(c, config.tableSelectors(), Catalog.serverVersion(c));
      List<TableId> named = SignalChecks.tables(tables, captured);
      if (condition != null) {
        for (TableId t : named) {
          SignalChecks.condition(c, t, condition);
        }
      }
      if (!exists(c, function)) {
        throw new NotReady(
            "The signal function "
                + function.function()
                + " does not exist yet: the connector's task creates it when it starts streaming"
                + " with "
                + PostgresSourceConfig.SIGNAL_ENABLED_CONFIG
                + "=true. Wait until the task runs, then send the signal again");
      }
      try (PreparedStatement ps = c.prepareStatement(function.call())) {
        ps.setString(1, action.text());
        ps.setArray(2, c.createArrayOf("text", named.stream().map(TableId::quoted).toArray()));
        ps.setString(3, condition);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Sent(rs.getString(1), named);
        }
      }
    }
  }

  /** The progress the task last wrote (JSON); null when it wrote none yet. */
  public static String progress(PostgresSourceConfig config) throws SQLException {
    checkEnabled(config);
    try (Connection c = config.connection("pgcdc-signal-" + config.connectorName()).open()) {
      c.setAutoCommit(true);
      return new SignalFunction(config).readStatus(c);
    }
  }

  private static void checkEnabled(PostgresSourceConfig config) {
    if (!config.signalsEnabled()) {
      throw new IllegalArgumentException(
          "Connector "
              + config.connectorName()
              + " does not take signals: set "
              + PostgresSourceConfig.SIGNAL_ENABLED_CONFIG
              + "=true in its config (PUT /connectors/NAME/config)");
    }
  }

  private static boolean exists(Connection c, SignalFunction function) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regprocedure(?) IS NOT NULL")) {
      ps.setString(1, function.signature());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
