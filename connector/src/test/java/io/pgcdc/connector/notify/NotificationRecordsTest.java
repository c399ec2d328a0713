package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.notify.PostgresNotifySourceConfig.KeyMode;
import io.pgcdc.connector.notify.PostgresNotifySourceConfig.PayloadFormat;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class NotificationRecordsTest {
  private static final String PAYLOAD = "line 1\nline \"2\"\t'x' \\ é 😀";

  private static NotificationRecords records(PayloadFormat format, KeyMode key, String field) {
    return new NotificationRecords("shop", "n.${database}.${channel}", format, key, field);
  }

  @Test
  void textPayloadIsKeptExactlyWithSenderTimeAndDatabase() throws Exception {
    SourceRecord r =
        records(PayloadFormat.TEXT, KeyMode.CHANNEL, null)
            .notification(new Notification("Orders", PAYLOAD, 4242, 1_000L));

    assertThat(r.topic()).isEqualTo("n.shop.Orders");
    assertThat(r.key()).isEqualTo("Orders");
    Struct v = (Struct) r.value();
    assertThat(v.getString("kind")).isEqualTo("notification");
    assertThat(v.getString("channel")).isEqualTo("Orders");
    assertThat(v.getString("payload")).isEqualTo(PAYLOAD);
    assertThat(v.getInt32("pid")).isEqualTo(4242);
    assertThat(v.getInt64("ts_ms")).isEqualTo(1_000L);
    assertThat(v.getString("database")).isEqualTo("shop");
    assertThat(r.sourcePartition()).isEqualTo(Map.of("database", "shop"));
    assertThat(r.sourceOffset()).isEqualTo(Map.of("ts_ms", 1_000L));
  }

  @Test
  void channelCharactersKafkaRefusesBecomeUnderscoresInTheTopicOnly() throws Exception {
    SourceRecord r =
        records(PayloadFormat.TEXT, KeyMode.CHANNEL, null)
            .notification(new Notification("a b/\"c\"", "", 1, 1L));

    assertThat(r.topic()).isEqualTo("n.shop.a_b__c_");
    assertThat(((Struct) r.value()).getString("channel")).isEqualTo("a b/\"c\"");
  }

  @Test
  void jsonPayloadIsParsedAndAFieldCanBeTheKey() throws Exception {
    SourceRecord r =
        records(PayloadFormat.JSON, KeyMode.FIELD, "id")
            .notification(new Notification("c", "{\"id\": 9, \"s\": \"x\"}", 5, 2L));

    assertThat(r.key()).isEqualTo("9");
    assertThat(r.valueSchema()).isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) r.value();
    assertThat(v).containsEntry("payload", Map.of("id", 9L, "s", "x")).containsEntry("pid", 5);
  }

  @Test
  void keyModeNoneLeavesTheKeyNullForNotificationsAndGaps() throws Exception {
    NotificationRecords none = records(PayloadFormat.TEXT, KeyMode.NONE, null);

    assertThat(none.notification(new Notification("c", "p", 5, 2L)).key()).isNull();
    assertThat(none.gap("c", 1L, 2L, "why", 3L).key()).isNull();
  }

  @Test
  void aFieldKeyIsNullWhenThePayloadHasNoSuchField() throws Exception {
    SourceRecord r =
        records(PayloadFormat.JSON, KeyMode.FIELD, "id")
            .notification(new Notification("c", "{\"other\": 1}", 5, 2L));

    assertThat(r.key()).isNull();
  }

  @Test
  void notJsonIsARecordError() {
    NotificationRecords json = records(PayloadFormat.JSON, KeyMode.NONE, null);

    assertThatThrownBy(() -> json.notification(new Notification("c", "not json", 5, 2L)))
        .isInstanceOf(JsonPayload.NotJsonException.class);
  }

  @Test
  void deadLetterKeepsThePayloadAndSaysWhy() {
    Exception error = new JsonPayload.NotJsonException("the payload is not JSON at line 1", null);
    SourceRecord r =
        records(PayloadFormat.JSON, KeyMode.NONE, null)
            .deadLetter("dlq", new Notification("c", PAYLOAD, 5, 2L), error);

    assertThat(r.topic()).isEqualTo("dlq");
    assertThat(r.value()).isEqualTo(PAYLOAD);
    assertThat(r.key()).isEqualTo("c");
    assertThat(r.headers().lastWithName("__connect.errors.exception.message").value())
        .isEqualTo("the payload is not JSON at line 1");
    assertThat(r.headers().lastWithName("__connect.errors.topic").value()).isEqualTo("n.shop.c");
    assertThat(r.headers().lastWithName("pgcdc.notify.pid").value()).isEqualTo(5);
  }

  @Test
  void gapRecordNamesTheWindow() {
    SourceRecord r =
        records(PayloadFormat.TEXT, KeyMode.CHANNEL, null)
            .gap("c", 10L, 20L, "connection lost", 21L);

    Struct v = (Struct) r.value();
    assertThat(v.getString("kind")).isEqualTo("gap");
    assertThat(v.getInt64("gap_from_ms")).isEqualTo(10L);
    assertThat(v.getInt64("gap_to_ms")).isEqualTo(20L);
    assertThat(v.getString("gap_reason")).isEqualTo("connection lost");
    assertThat(v.getString("payload")).isNull();
    assertThat(r.sourceOffset()).isEqualTo(Map.of("ts_ms", 20L));
    assertThat(r.key()).isEqualTo("c");
  }
}
