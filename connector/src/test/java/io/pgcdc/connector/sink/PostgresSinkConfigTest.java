package io.pgcdc.connector.sink;

import static io.pgcdc.connector.sink.TestRecords.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.PostgresSinkConfig.PrimaryKeyMode;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PostgresSinkConfigTest {
  @Test
  void defaultsUpsertByRecordKeyWithDeletes() {
    PostgresSinkConfig c = config();

    assertThat(c.primaryKeyMode()).isEqualTo(PrimaryKeyMode.RECORD_KEY);
    assertThat(c.insertMode()).isEqualTo(InsertMode.UPSERT);
    assertThat(c.deleteEnabled()).isTrue();
    assertThat(c.truncateEnabled()).isFalse();
    assertThat(c.tableNameFormat()).isEqualTo("${topic}");
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.crossFieldProblems()).isEmpty();
  }

  @Test
  void readsTypedValues() {
    PostgresSinkConfig c =
        config(
            "primary.key.mode", "RECORD_VALUE",
            "primary.key.fields", "tenant, id",
            "insert.mode", "update",
            "batch.size", "500",
            "retry.backoff.ms", "250");

    assertThat(c.primaryKeyMode()).isEqualTo(PrimaryKeyMode.RECORD_VALUE);
    assertThat(c.primaryKeyFields()).containsExactly("tenant", "id");
    assertThat(c.insertMode()).isEqualTo(InsertMode.UPDATE);
    assertThat(c.batchSize()).isEqualTo(500);
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rejectsBadSingleValues() {
    assertThatThrownBy(() -> config("insert.mode", "merge")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> config("batch.size", "0")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> config("topic.regex", "(unclosed"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a regular expression");
    assertThatThrownBy(() -> config("table.allow.list", "public.orders, orders"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.allow.list")
        .hasMessageContaining("not schema-qualified");
  }

  @Test
  void reportsSettingsThatDoNotFitTogether() {
    assertThat(problems(config("primary.key.mode", "record_value")))
        .containsKeys("primary.key.fields");
    assertThat(problems(config("primary.key.mode", "none")))
        .containsKeys("delete.enabled", "insert.mode");
    assertThat(problems(config("topic.replacement", "$1"))).containsKeys("topic.replacement");
    assertThat(problems(config("table.name.format", "${nope}")))
        .containsEntry(
            "table.name.format",
            "table.name.format '${nope}' has the unknown placeholder ${nope}: use ${topic},"
                + " ${source.schema}, ${source.table}, ${key.FIELD} or ${value.FIELD}");
    assertThat(problems(config("table.name.format", "audit.log", "table.allow.list", "public.*")))
        .containsKeys("table.allow.list");
    assertThat(problems(config("table.name.format", "audit.log"))).isEmpty();
  }

  @Test
  void appendModeFits() {
    assertThat(
            config("primary.key.mode", "none", "insert.mode", "insert", "delete.enabled", "false")
                .crossFieldProblems())
        .isEmpty();
  }

  private static Map<String, String> problems(PostgresSinkConfig c) {
    Map<String, String> map = new java.util.HashMap<>();
    c.crossFieldProblems().forEach(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }
}
