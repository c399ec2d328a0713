package io.pgcdc.connector.query;

import io.pgcdc.connector.common.NamedParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * One named query as its settings {@code query.NAME.*} give it: the SQL with its named parameters,
 * the mode and its columns, the schedule, the topic and the key.
 *
 * @param parameters the value of each named parameter of the SQL (bound, never spliced)
 * @param statement true for a statement that returns no rows (DELETE, UPDATE, CALL, DDL): each run
 *     emits one result record instead of rows
 */
public record QuerySpec(
    String name,
    String sqlText,
    NamedParameters sql,
    QueryMode mode,
    boolean statement,
    String incrementingColumn,
    String timestampColumn,
    String topic,
    List<String> keyColumns,
    Map<String, String> parameters,
    Schedule schedule,
    Misfire misfire) {

  /** What a query does about fire times missed while the connector was not running. */
  public enum Misfire {
    /** One run at once for all of them, then on schedule. */
    SKIP,
    /** One run for each, in order, with its own fire time. */
    CATCH_UP
  }

  static final String PREFIX = "query.";
  static final String SQL = "sql";
  static final String MODE = "mode";
  static final String INCREMENTING_COLUMN = "incrementing.column";
  static final String TIMESTAMP_COLUMN = "timestamp.column";
  static final String TOPIC = "topic";
  static final String KEY_COLUMNS = "key.columns";
  static final String INTERVAL = "interval.ms";
  static final String CRON = "cron";
  static final String CRON_TIMEZONE = "cron.timezone";
  static final String MISFIRE = "misfire";
  static final String PARAMETERS = "parameters.";

  /** First words of SQL that returns rows. */
  private static final Set<String> ROW_WORDS = Set.of("select", "with", "values", "table");

  public QuerySpec {
    keyColumns = List.copyOf(keyColumns);
    parameters = Map.copyOf(parameters);
  }

  /** The full name of this query's setting {@code key}, for messages. */
  String setting(String key) {
    return setting(name, key);
  }

  static String setting(String query, String key) {
    return PREFIX + query + "." + key;
  }

  /** A digest of what decides which rows the query returns, kept in the offsets. */
  String fingerprint() {
    String identity =
        sqlText + '\0' + mode.value() + '\0' + incrementingColumn + '\0' + timestampColumn;
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static QuerySpec read(
      String name, Map<String, String> props, Map<String, String> shared, QuerySourceConfig c) {
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new ConfigException(
          QuerySourceConfig.QUERIES_CONFIG,
          name,
          "a query name may hold letters, digits, '_', '.' and '-' only (it names settings and a"
              + " topic)");
    }
    String text = props.get(setting(name, SQL));
    if (text == null || text.isBlank()) {
      throw new ConfigException(
          setting(name, SQL), text, "query " + name + " has no SQL: set " + setting(name, SQL));
    }
    NamedParameters sql;
    try {
      sql = NamedParameters.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting(name, SQL), text, e.getMessage());
    }
    QueryMode mode = mode(name, props);
    boolean statement = isStatement(text);
    String incrementing = props.get(setting(name, INCREMENTING_COLUMN));
    String timestamp = props.get(setting(name, TIMESTAMP_COLUMN));
    checkModeColumns(name, mode, statement, incrementing, timestamp);
    Map<String, String> parameters = new LinkedHashMap<>(shared);
    parameters.putAll(QuerySourceConfig.parameters(props, setting(name, PARAMETERS)));
    checkParameters(name, sql, parameters);
    String topic = props.getOrDefault(setting(name, TOPIC), c.topicPrefix() + name);
    return new QuerySpec(
        name,
        text.strip(),
        sql,
        mode,
        statement,
        incrementing,
        timestamp,
        topic,
        list(props.get(setting(name, KEY_COLUMNS))),
        parameters,
        schedule(name, props, c.defaultInterval()),
        misfire(name, props));
  }

  private static QueryMode mode(String name, Map<String, String> props) {
    String text = props.getOrDefault(setting(name, MODE), QueryMode.BULK.value());
    try {
      return QueryMode.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting(name, MODE), text, e.getMessage());
    }
  }

  /** True unless the SQL starts (after comments) with a word of a query that returns rows. */
  static boolean isStatement(String text) {
    return !ROW_WORDS.contains(firstWord(text));
  }

  /** The first word of the SQL after comments, in lower case ("" when it starts otherwise). */
  static String firstWord(String text) {
    String code = text.replaceAll("(?s)/\\*.*?\\*/|--[^\\n]*", " ").strip();
    int end = 0;
    while (end < code.length() && Character.isLetter(code.charAt(end))) {
      end++;
    }
    return code.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private static void checkModeColumns(
      String name, QueryMode mode, boolean statement, String incrementing, String timestamp) {
    if (statement && mode != QueryMode.BULK) {
      throw new ConfigException(
          setting(name, MODE),
          mode.value(),
          "query "
              + name
              + " is a statement (it does not start with SELECT, WITH, VALUES or TABLE): it runs"
              + " whole each time, so its mode must be bulk");
    }
    if (mode.usesIncrementing() && (incrementing == null || incrementing.isBlank())) {
      throw new ConfigException(
          setting(name, INCREMENTING_COLUMN),
          incrementing,
          "mode "
              + mode.value()
              + " needs the column that increases: set it to a column of the"
              + " query's result");
    }
    if (mode.usesTimestamp() && (timestamp == null || timestamp.isBlank())) {
      throw new ConfigException(
          setting(name, TIMESTAMP_COLUMN),
          timestamp,
          "mode "
              + mode.value()
              + " needs the timestamp column: set it to a timestamptz column"
              + " of the query's result");
    }
  }

  private static void checkParameters(
      String name, NamedParameters sql, Map<String, String> parameters) {
    List<String> missing = new ArrayList<>();
    for (String p : sql.names()) {
      if (!parameters.containsKey(p) && !missing.contains(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          setting(name, SQL),
          "(see the query)",
          "query "
              + name
              + " uses the parameter(s) :"
              + String.join(", :", missing)
              + " that no setting gives: set "
              + setting(name, PARAMETERS)
              + missing.get(0)
              + " (or "
              + QuerySourceConfig.PARAMETERS_PREFIX
              + missing.get(0)
              + " for every query)");
    }
  }

  private static Schedule schedule(String name, Map<String, String> props, Duration fallback) {
    String cron = props.get(setting(name, CRON));
    String interval = props.get(setting(name, INTERVAL));
    if (cron != null && interval != null) {
      throw new ConfigException(
          setting(name, CRON),
          cron,
          "query "
              + name
              + " has both a cron expression and "
              + setting(name, INTERVAL)
              + ": keep one");
    }
    if (cron != null) {
      String zoneText = props.get(setting(name, CRON_TIMEZONE));
      if (zoneText == null) {
        throw new ConfigException(
            setting(name, CRON_TIMEZONE),
            null,
            "a cron schedule needs an explicit time zone, e.g. UTC or Europe/Berlin");
      }
      ZoneId zone;
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        throw new ConfigException(setting(name, CRON_TIMEZONE), zoneText, e.getMessage());
      }
      try {
        return CronSchedule.parse(cron, zone);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting(name, CRON), cron, e.getMessage());
      }
    }
    if (interval == null) {
      return new Schedule.Every(fallback);
    }
    try {
      long ms = Long.parseLong(interval.strip());
      if (ms < 1) {
        throw new NumberFormatException("not positive");
      }
      return new Schedule.Every(Duration.ofMillis(ms));
    } catch (NumberFormatException e) {
      throw new ConfigException(
          setting(name, INTERVAL), interval, "give a positive number of milliseconds");
    }
  }

  private static Misfire misfire(String name, Map<String, String> props) {
    String text = props.getOrDefault(setting(name, MISFIRE), "skip");
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "skip" -> Misfire.SKIP;
      case "catch_up", "catch-up" -> Misfire.CATCH_UP;
      default -> throw new ConfigException(setting(name, MISFIRE), text, "use skip or catch_up");
    };
  }

  private static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    if (text != null) {
      for (String item : text.split(",")) {
        if (!item.isBlank()) {
          items.add(item.strip());
        }
      }
    }
    return items;
  }
}
