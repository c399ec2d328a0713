package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PostgresNotifySourceConfigTest {
  private static Map<String, String> base() {
    Map<String, String> props = new HashMap<>();
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    props.put("channels", "a, \"B c\"");
    return props;
  }

  @Test
  void defaultsAreTextKeyedByChannelWithBoundedWaits() {
    PostgresNotifySourceConfig config = new PostgresNotifySourceConfig(base());

    assertThat(config.channels().names()).containsExactly("a", "B c");
    assertThat(config.payloadFormat()).isEqualTo(PostgresNotifySourceConfig.PayloadFormat.TEXT);
    assertThat(config.keyMode()).isEqualTo(PostgresNotifySourceConfig.KeyMode.CHANNEL);
    assertThat(config.pollTimeout().toMillis()).isEqualTo(500);
    assertThat(config.socketTimeout().toMillis()).isEqualTo(30_000);
    assertThat(config.deadLetterTopic()).isNull();
    assertThat(config.toleratesErrors()).isFalse();
    assertThat(config.crossFieldProblems()).isEmpty();
  }

  @Test
  void keyFieldNeedsJsonAndAFieldName() {
    Map<String, String> props = base();
    props.put("key.mode", "field");

    List<Map.Entry<String, String>> problems =
        new PostgresNotifySourceConfig(props).crossFieldProblems();

    assertThat(problems).extracting(Map.Entry::getKey).containsExactly("key.field", "key.mode");
  }

  @Test
  void badChannelListIsAConfigErrorOnChannels() {
    Map<String, String> props = base();
    props.put("channels", "a,,b");

    assertThatThrownBy(() -> new PostgresNotifySourceConfig(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("channels")
        .hasMessageContaining("empty");
  }

  @Test
  void errorsToleranceAllAndTheDeadLetterTopicAreRead() {
    Map<String, String> props = base();
    props.put("errors.tolerance", "all");
    props.put("errors.deadletterqueue.topic.name", " dlq ");

    PostgresNotifySourceConfig config = new PostgresNotifySourceConfig(props);

    assertThat(config.toleratesErrors()).isTrue();
    assertThat(config.deadLetterTopic()).isEqualTo("dlq");
  }

  @Test
  void everySettingIsDocumented() {
    PostgresNotifySourceConfig.CONFIG_DEF
        .configKeys()
        .values()
        .forEach(k -> assertThat(k.documentation).as(k.name).isNotBlank());
  }
}
