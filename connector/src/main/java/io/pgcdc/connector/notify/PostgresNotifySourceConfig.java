package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.ConnectionSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The notify source's configuration: which channels, what records, how to keep listening. */
public final class PostgresNotifySourceConfig extends AbstractConfig {
  private static final String CHANNELS_GROUP = "Channels";
  private static final String RECORDS_GROUP = "Records";
  private static final String LISTENING_GROUP = "Listening";

  /** The connector's name, which Connect puts into every connector config. */
  public static final String NAME_CONFIG = "name";

  public static final String CHANNELS_CONFIG = "channels";
  private static final String CHANNELS_DOC =
      "Channels to LISTEN on, comma-separated. Each name is taken exactly as written, case"
          + " included, as pg_notify('Name', ...) takes it (SQL's NOTIFY Name folds an unquoted"
          + " name to lower case: listen on name then). A name with a comma, a double quote or"
          + " spaces at its ends goes in double quotes, a double quote inside doubled:"
          + " \"a, b\", \"say \"\"hi\"\"\". At most 63 bytes each.";

  public static final String TOPIC_TEMPLATE_CONFIG = "topic.template";
  private static final String TOPIC_TEMPLATE_DOC =
      "Topic of a channel's records. Placeholders: ${channel}, ${database}. Characters that Kafka"
          + " does not allow in a topic name become _.";
  public static final String TOPIC_TEMPLATE_DEFAULT = "pgcdc.notify.${channel}";

  public static final String PAYLOAD_FORMAT_CONFIG = "payload.format";
  private static final String PAYLOAD_FORMAT_DOC =
      "text: the payload as the exact string sent, in a record with a schema. json: the payload"
          + " parsed as JSON into a schemaless value (objects as maps, arrays as lists, integers"
          + " as int64, other numbers as float64); a payload that is not JSON is a record error:"
          + " with errors.tolerance=all it goes, unchanged and with the parse error in its"
          + " headers, to errors.deadletterqueue.topic.name (or is logged and skipped when that"
          + " is not set); with errors.tolerance=none the task fails, naming channel and sender.";
  public static final String PAYLOAD_FORMAT_DEFAULT = "text";

  public static final String KEY_MODE_CONFIG = "key.mode";
  private static final String KEY_MODE_DOC =
      "The record key (a string): channel, the channel name; field, the value of the payload's"
          + " top-level JSON field key.field (needs payload.format=json; a string as it is, any"
          + " other value as its JSON text; null when the payload has no such field); none, no"
          + " key (null).";
  public static final String KEY_MODE_DEFAULT = "channel";

  public static final String KEY_FIELD_CONFIG = "key.field";
  private static final String KEY_FIELD_DOC =
      "The payload's top-level JSON field that is the key when key.mode=field.";

  public static final String DLQ_TOPIC_CONFIG = "errors.deadletterqueue.topic.name";
  private static final String DLQ_TOPIC_DOC =
      "This source's dead letter topic (Kafka Connect's own serves sink connectors only): with"
          + " errors.tolerance=all, a notification whose payload cannot be read"
          + " (payload.format=json) is written here, its payload as the exact text sent, keyed by"
          + " the channel, with headers __connect.errors.topic, __connect.errors.exception.class.name,"
          + " __connect.errors.exception.message, pgcdc.notify.channel and pgcdc.notify.pid. Empty:"
          + " such a notification is logged (channel, sender, error) and skipped.";

  public static final String POLL_TIMEOUT_CONFIG = "poll.timeout.ms";
  private static final String POLL_TIMEOUT_DOC =
      "Longest time one poll() waits for notifications before it returns what it has (maybe"
          + " nothing).";
  public static final long POLL_TIMEOUT_DEFAULT = 500L;

  public static final String MAX_BATCH_SIZE_CONFIG = "max.batch.size";
  private static final String MAX_BATCH_SIZE_DOC = "Most records one poll() returns.";
  public static final int MAX_BATCH_SIZE_DEFAULT = 4096;

  public static final String CHECK_INTERVAL_CONFIG = "connection.check.interval.ms";
  private static final String CHECK_INTERVAL_DOC =
      "How often the task asks the server, on its listening connection, for"
          + " pg_notification_queue_usage(): this proves the connection alive (a dead one fails"
          + " within connection.socket.timeout.ms and is replaced) and samples the queue usage"
          + " metric.";
  public static final long CHECK_INTERVAL_DEFAULT = 5_000L;

  public static final String SOCKET_TIMEOUT_CONFIG = "connection.socket.timeout.ms";
  private static final String SOCKET_TIMEOUT_DOC =
      "Longest wait for the server's answer to a statement on the listening connection (LISTEN,"
          + " the check), and for the rest of a notification once poll.timeout.ms has passed;"
          + " past it the connection counts as lost and is replaced. TCP keepalive is on as well.";
  public static final long SOCKET_TIMEOUT_DEFAULT = 30_000L;

  public static final String RETRY_BACKOFF_CONFIG = "retry.backoff.ms";
  private static final String RETRY_BACKOFF_DOC =
      "Wait before the first reconnect after the connection was lost; doubled after each failed"
          + " try, up to retry.backoff.max.ms. The task keeps trying as long as the error is"
          + " transient (lost connection, server restarting); others fail the task.";
  public static final long RETRY_BACKOFF_DEFAULT = 500L;

  public static final String RETRY_BACKOFF_MAX_CONFIG = "retry.backoff.max.ms";
  private static final String RETRY_BACKOFF_MAX_DOC = "Longest wait between two reconnects.";
  public static final long RETRY_BACKOFF_MAX_DEFAULT = 30_000L;

  public static final String QUEUE_WARN_CONFIG = "queue.usage.warn.ratio";
  private static final String QUEUE_WARN_DOC =
      "The task logs a warning when pg_notification_queue_usage() (the share, 0 to 1, of the"
          + " server's notification queue that is taken; at 1 every NOTIFY fails) is above this;"
          + " also the QueueUsage metric. 0 turns the warning off.";
  public static final double QUEUE_WARN_DEFAULT = 0.5;

  /** What becomes of a payload. */
  public enum PayloadFormat {
    TEXT,
    JSON
  }

  /** What the record key is. */
  public enum KeyMode {
    CHANNEL,
    FIELD,
    NONE
  }

  public static final ConfigDef CONFIG_DEF = configDef();

  public PostgresNotifySourceConfig(Map<?, ?> originals) {
    super(CONFIG_DEF, originals);
  }

  private static ConfigDef configDef() {
    ConfigDef def = ConnectionConfig.addTo(new ConfigDef());
    def.define(
        CHANNELS_CONFIG,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        ConfigDef.LambdaValidator.with(
            (name, value) -> {
              try {
                Channels.parse((String) value);
              } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
              }
            },
            () -> "names, comma-separated; \"quoted\" for a comma or double quote"),
        Importance.HIGH,
        CHANNELS_DOC,
        CHANNELS_GROUP,
        1,
        Width.LONG,
        "Channels");
    defineRecords(def);
    defineListening(def);
    return def;
  }

  private static void defineRecords(ConfigDef def) {
    int order = 0;
    def.define(
            TOPIC_TEMPLATE_CONFIG,
            Type.STRING,
            TOPIC_TEMPLATE_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            TOPIC_TEMPLATE_DOC,
            RECORDS_GROUP,
            ++order,
            Width.LONG,
            "Topic template")
        .define(
            PAYLOAD_FORMAT_CONFIG,
            Type.STRING,
            PAYLOAD_FORMAT_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("text", "json"),
            Importance.MEDIUM,
            PAYLOAD_FORMAT_DOC,
            RECORDS_GROUP,
            ++order,
            Width.SHORT,
            "Payload format")
        .define(
            KEY_MODE_CONFIG,
            Type.STRING,
            KEY_MODE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("channel", "field", "none"),
            Importance.MEDIUM,
            KEY_MODE_DOC,
            RECORDS_GROUP,
            ++order,
            Width.SHORT,
            "Key mode")
        .define(
            KEY_FIELD_CONFIG,
            Type.STRING,
            null,
            Importance.MEDIUM,
            KEY_FIELD_DOC,
            RECORDS_GROUP,
            ++order,
            Width.MEDIUM,
            "Key field")
        .define(
            DLQ_TOPIC_CONFIG,
            Type.STRING,
            "",
            Importance.MEDIUM,
            DLQ_TOPIC_DOC,
            RECORDS_GROUP,
            ++order,
            Width.LONG,
            "Dead letter topic");
  }

  private static void defineListening(ConfigDef def) {
    int order = 0;
    def.define(
            POLL_TIMEOUT_CONFIG,
            Type.LONG,
            POLL_TIMEOUT_DEFAULT,
            ConfigDef.Range.between(1, 60_000),
            Importance.LOW,
            POLL_TIMEOUT_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Poll timeout")
        .define(
            MAX_BATCH_SIZE_CONFIG,
            Type.INT,
            MAX_BATCH_SIZE_DEFAULT,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            MAX_BATCH_SIZE_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Max batch size");
    defineHealth(def, order);
  }

  /** The check, the socket timeout, the reconnect backoff and the queue warning. */
  private static void defineHealth(ConfigDef def, int order) {
    def.define(
            CHECK_INTERVAL_CONFIG,
            Type.LONG,
            CHECK_INTERVAL_DEFAULT,
            ConfigDef.Range.atLeast(100),
            Importance.LOW,
            CHECK_INTERVAL_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Check interval")
        .define(
            SOCKET_TIMEOUT_CONFIG,
            Type.LONG,
            SOCKET_TIMEOUT_DEFAULT,
            ConfigDef.Range.atLeast(1_000),
            Importance.LOW,
            SOCKET_TIMEOUT_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Socket timeout")
        .define(
            RETRY_BACKOFF_CONFIG,
            Type.LONG,
            RETRY_BACKOFF_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            RETRY_BACKOFF_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Retry backoff")
        .define(
            RETRY_BACKOFF_MAX_CONFIG,
            Type.LONG,
            RETRY_BACKOFF_MAX_DEFAULT,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            RETRY_BACKOFF_MAX_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Max retry backoff")
        .define(
            QUEUE_WARN_CONFIG,
            Type.DOUBLE,
            QUEUE_WARN_DEFAULT,
            ConfigDef.Range.between(0, 1),
            Importance.LOW,
            QUEUE_WARN_DOC,
            LISTENING_GROUP,
            ++order,
            Width.SHORT,
            "Queue usage warning");
  }

  /** Problems between settings, as (setting, message); empty when there are none. */
  public List<Map.Entry<String, String>> crossFieldProblems() {
    List<Map.Entry<String, String>> problems = new ArrayList<>();
    if (keyMode() == KeyMode.FIELD) {
      if (keyField() == null || keyField().isBlank()) {
        problems.add(
            Map.entry(
                KEY_FIELD_CONFIG, "key.mode=field needs key.field: the payload's JSON field"));
      }
      if (payloadFormat() != PayloadFormat.JSON) {
        problems.add(
            Map.entry(
                KEY_MODE_CONFIG,
                "key.mode=field reads a JSON field of the payload: set payload.format=json, or"
                    + " use key.mode=channel or none"));
      }
    }
    if (retryBackoffMax().compareTo(retryBackoff()) < 0) {
      problems.add(Map.entry(RETRY_BACKOFF_MAX_CONFIG, "must be at least retry.backoff.ms"));
    }
    return problems;
  }

  public String connectorName() {
    String name = originalsStrings().get(NAME_CONFIG);
    return name == null ? "pgcdc-notify" : name;
  }

  public ConnectionSettings connection(String applicationName) {
    return ConnectionConfig.settings(this, applicationName);
  }

  public Channels channels() {
    return Channels.parse(getString(CHANNELS_CONFIG));
  }

  public String topicTemplate() {
    return getString(TOPIC_TEMPLATE_CONFIG);
  }

  public PayloadFormat payloadFormat() {
    return PayloadFormat.valueOf(getString(PAYLOAD_FORMAT_CONFIG).toUpperCase(Locale.ROOT));
  }

  public KeyMode keyMode() {
    return KeyMode.valueOf(getString(KEY_MODE_CONFIG).toUpperCase(Locale.ROOT));
  }

  public String keyField() {
    return getString(KEY_FIELD_CONFIG);
  }

  /** The dead letter topic; null when none is set. */
  public String deadLetterTopic() {
    String topic = getString(DLQ_TOPIC_CONFIG);
    return topic == null || topic.isBlank() ? null : topic.strip();
  }

  /** Whether a record error skips the record ({@code errors.tolerance=all}) or fails the task. */
  public boolean toleratesErrors() {
    Object tolerance = originals().get("errors.tolerance");
    return tolerance != null && "all".equalsIgnoreCase(tolerance.toString().strip());
  }

  public Duration pollTimeout() {
    return Duration.ofMillis(getLong(POLL_TIMEOUT_CONFIG));
  }

  public int maxBatchSize() {
    return getInt(MAX_BATCH_SIZE_CONFIG);
  }

  public Duration checkInterval() {
    return Duration.ofMillis(getLong(CHECK_INTERVAL_CONFIG));
  }

  public Duration socketTimeout() {
    return Duration.ofMillis(getLong(SOCKET_TIMEOUT_CONFIG));
  }

  public Duration retryBackoff() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_CONFIG));
  }

  public Duration retryBackoffMax() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_CONFIG));
  }

  /** The reconnect backoff; {@link #crossFieldProblems()} ensures max >= initial. */
  public Backoff backoff() {
    return new Backoff(
        retryBackoff(),
        retryBackoffMax().compareTo(retryBackoff()) < 0 ? retryBackoff() : retryBackoffMax());
  }

  public double queueUsageWarnRatio() {
    return getDouble(QUEUE_WARN_CONFIG);
  }
}
