package io.pgcdc.connector.cleanup;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.PostgresSourceConnector;
import io.pgcdc.connector.source.signal.SignalFunction;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The slot and publication of one pgcdc source connector, and how to reach its database.
 *
 * @param connector the connector's name
 * @param slot the replication slot it reads
 * @param publication the publication it reads
 * @param connection where its database is; null when the settings could not be read
 * @param connectionProblem why the settings could not be read; null when they could
 * @param signalDrops the statements that drop its signal function and key table (none when the
 *     settings could not be read)
 */
record CleanupTarget(
    String connector,
    String slot,
    String publication,
    ConnectionSettings connection,
    String connectionProblem,
    List<String> signalDrops) {

  static final String APPLICATION_NAME = "pgcdc-cleanup";
  private static final String SOURCE_CLASS = PostgresSourceConnector.class.getName();
  private static final String SOURCE_SIMPLE_NAME = PostgresSourceConnector.class.getSimpleName();

  /**
   * The target of a connector with this (resolved) config: empty if it is not a pgcdc source, or if
   * its {@code cleanup.on.delete} is false.
   */
  static Optional<CleanupTarget> of(String connector, Map<String, String> config) {
    if (!isSource(config)) {
      return Optional.empty();
    }
    String slot = PostgresSourceConfig.slotName(config);
    String publication = PostgresSourceConfig.publicationName(config);
    ConnectionSettings connection = null;
    String problem = null;
    List<String> signalDrops = List.of();
    try {
      PostgresSourceConfig parsed = new PostgresSourceConfig(config);
      if (!parsed.cleanupOnDelete()) {
        return Optional.empty();
      }
      connection = parsed.connection(APPLICATION_NAME);
      signalDrops = new SignalFunction(parsed).dropStatements();
    } catch (ConfigException e) {
      if (!cleanupOnDelete(config)) {
        return Optional.empty();
      }
      problem = e.getMessage();
    }
    return Optional.of(
        new CleanupTarget(connector, slot, publication, connection, problem, signalDrops));
  }

  /**
   * Whether {@code connector.class} names our source, as Connect accepts it: the class name, its
   * simple name, or the simple name without "Connector".
   */
  static boolean isSource(Map<String, String> config) {
    String name = config.get("connector.class");
    if (name == null) {
      return false;
    }
    name = name.trim();
    return name.equals(SOURCE_CLASS)
        || name.equals(SOURCE_SIMPLE_NAME)
        || name.equals(SOURCE_SIMPLE_NAME.substring(0, SOURCE_SIMPLE_NAME.length() - 9));
  }

  /** {@code cleanup.on.delete} read alone, for a config whose other settings do not parse. */
  private static boolean cleanupOnDelete(Map<String, String> config) {
    String value = config.get(PostgresSourceConfig.CLEANUP_ON_DELETE_CONFIG);
    if (value == null) {
      return PostgresSourceConfig.CLEANUP_ON_DELETE_DEFAULT;
    }
    try {
      return (Boolean)
          ConfigDef.parseType(
              PostgresSourceConfig.CLEANUP_ON_DELETE_CONFIG,
              value.trim().toLowerCase(Locale.ROOT),
              ConfigDef.Type.BOOLEAN);
    } catch (ConfigException e) {
      return PostgresSourceConfig.CLEANUP_ON_DELETE_DEFAULT;
    }
  }

  /** Where the objects live, for messages: user@host:port/database, or "its database". */
  String where() {
    return connection == null ? "its database" : connection.describe();
  }

  /** The SQL that drops the slot and the publication, for a user to run by hand. */
  String manualSql() {
    return "SELECT pg_drop_replication_slot("
        + Identifiers.literal(slot)
        + "); DROP PUBLICATION IF EXISTS "
        + Identifiers.quote(publication)
        + ";";
  }
}
