package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.TopicNames;
import io.pgcdc.connector.notify.PostgresNotifySourceConfig.KeyMode;
import io.pgcdc.connector.notify.PostgresNotifySourceConfig.PayloadFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the records: one per notification, one per channel for a gap, and the dead letter of a
 * payload that is not JSON. Values have the fields of {@link #VALUE_SCHEMA}: a struct with that
 * schema for {@code payload.format=text}, a schemaless map with the same keys (the payload parsed)
 * for {@code json}.
 */
final class NotificationRecords {
  static final String KIND = "kind";
  static final String KIND_NOTIFICATION = "notification";
  static final String KIND_GAP = "gap";
  static final String CHANNEL = "channel";
  static final String PAYLOAD = "payload";
  static final String PID = "pid";
  static final String TS_MS = "ts_ms";
  static final String DATABASE = "database";
  static final String GAP_FROM_MS = "gap_from_ms";
  static final String GAP_TO_MS = "gap_to_ms";
  static final String GAP_REASON = "gap_reason";

  /** The offset key: when the last record's notification was received (or its gap ended). */
  static final String OFFSET_TS = "ts_ms";

  static final Schema KEY_SCHEMA = Schema.OPTIONAL_STRING_SCHEMA;
  static final Schema VALUE_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.notify.Notification")
          .field(KIND, Schema.STRING_SCHEMA)
          .field(CHANNEL, Schema.STRING_SCHEMA)
          .field(PAYLOAD, Schema.OPTIONAL_STRING_SCHEMA)
          .field(PID, Schema.OPTIONAL_INT32_SCHEMA)
          .field(TS_MS, Schema.INT64_SCHEMA)
          .field(DATABASE, Schema.STRING_SCHEMA)
          .field(GAP_FROM_MS, Schema.OPTIONAL_INT64_SCHEMA)
          .field(GAP_TO_MS, Schema.OPTIONAL_INT64_SCHEMA)
          .field(GAP_REASON, Schema.OPTIONAL_STRING_SCHEMA)
          .build();

  private final Map<String, String> partition;
  private final String database;
  private final String topicTemplate;
  private final PayloadFormat format;
  private final KeyMode keyMode;
  private final String keyField;
  private final Map<String, String> topics = new HashMap<>();

  NotificationRecords(
      String database,
      String topicTemplate,
      PayloadFormat format,
      KeyMode keyMode,
      String keyField) {
    this.partition = partition(database);
    this.database = database;
    this.topicTemplate = topicTemplate;
    this.format = format;
    this.keyMode = keyMode;
    this.keyField = keyField;
  }

  /** The source partition: the database (one connector listens on one). */
  static Map<String, String> partition(String database) {
    return Map.of("database", database);
  }

  /** The channel's topic: the template filled in, with Kafka's characters only. */
  String topic(String channel) {
    return topics.computeIfAbsent(
        channel,
        c ->
            TopicNames.legal(
                topicTemplate.replace("${channel}", c).replace("${database}", database)));
  }

  /**
   * The record of {@code n}. With {@code payload.format=json}, throws {@link
   * JsonPayload.NotJsonException} when the payload is not JSON.
   */
  SourceRecord notification(Notification n) throws JsonPayload.NotJsonException {
    JsonPayload json = format == PayloadFormat.JSON ? JsonPayload.parse(n.payload()) : null;
    String key =
        switch (keyMode) {
          case CHANNEL -> n.channel();
          case FIELD -> json == null ? null : json.field(keyField);
          case NONE -> null;
        };
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(KIND, KIND_NOTIFICATION);
    fields.put(CHANNEL, n.channel());
    fields.put(PAYLOAD, json == null ? n.payload() : json.value());
    fields.put(PID, n.pid());
    fields.put(TS_MS, n.receivedMillis());
    fields.put(DATABASE, database);
    return record(n.channel(), key, fields, n.receivedMillis());
  }

  /**
   * The gap record of {@code channel}: from {@code fromMillis} (when the channel was last known to
   * be delivering) to {@code toMillis} (when LISTEN was in effect again), notifications may have
   * been sent and not received.
   */
  SourceRecord gap(String channel, long fromMillis, long toMillis, String reason, long now) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(KIND, KIND_GAP);
    fields.put(CHANNEL, channel);
    fields.put(PAYLOAD, null);
    fields.put(PID, null);
    fields.put(TS_MS, now);
    fields.put(DATABASE, database);
    fields.put(GAP_FROM_MS, fromMillis);
    fields.put(GAP_TO_MS, toMillis);
    fields.put(GAP_REASON, reason);
    return record(channel, keyMode == KeyMode.CHANNEL ? channel : null, fields, toMillis);
  }

  private SourceRecord record(String channel, String key, Map<String, Object> fields, long ts) {
    Map<String, Long> offset = Map.of(OFFSET_TS, ts);
    if (format == PayloadFormat.JSON) {
      return new SourceRecord(
          partition, offset, topic(channel), null, KEY_SCHEMA, key, null, fields, ts);
    }
    Struct value = new Struct(VALUE_SCHEMA);
    fields.forEach(value::put);
    return new SourceRecord(
        partition, offset, topic(channel), null, KEY_SCHEMA, key, VALUE_SCHEMA, value, ts);
  }

  /**
   * The dead letter of {@code n}, whose payload could not be read: the exact payload, keyed by the
   * channel, with the error in Kafka Connect's dead letter headers.
   */
  SourceRecord deadLetter(String topic, Notification n, Exception error) {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("__connect.errors.topic", topic(n.channel()));
    headers.addString("__connect.errors.exception.class.name", error.getClass().getName());
    headers.addString("__connect.errors.exception.message", error.getMessage());
    headers.addString("pgcdc.notify.channel", n.channel());
    headers.addInt("pgcdc.notify.pid", n.pid());
    return new SourceRecord(
        partition,
        Map.of(OFFSET_TS, n.receivedMillis()),
        topic,
        null,
        KEY_SCHEMA,
        n.channel(),
        Schema.STRING_SCHEMA,
        n.payload(),
        n.receivedMillis(),
        headers);
  }
}
