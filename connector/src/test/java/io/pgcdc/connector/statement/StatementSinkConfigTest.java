package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class StatementSinkConfigTest {
  private static Map<String, String> props(String... kv) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    for (int i = 0; i < kv.length; i += 2) {
      props.put(kv[i], kv[i + 1]);
    }
    return props;
  }

  @Test
  void statementServesInsertsUpdatesAndDeletesWithoutTemplatesOfTheirOwn() {
    StatementSinkConfig c =
        new StatementSinkConfig(props("statement", "SELECT 1", "statement.delete", "SELECT 2"));
    assertThat(c.templateTexts())
        .containsEntry(Operation.INSERT, "SELECT 1")
        .containsEntry(Operation.UPDATE, "SELECT 1")
        .containsEntry(Operation.DELETE, "SELECT 2")
        .doesNotContainKey(Operation.TOMBSTONE)
        .doesNotContainKey(Operation.OTHER);
    assertThat(c.settingOf(Operation.UPDATE)).isEqualTo("statement");
    assertThat(c.settingOf(Operation.DELETE)).isEqualTo("statement.delete");
  }

  @Test
  void withoutStatementAnOperationWithoutTemplateHasNone() {
    StatementSinkConfig c = new StatementSinkConfig(props("statement.tombstone", "SELECT 1"));
    assertThat(c.templateTexts()).containsOnlyKeys(Operation.TOMBSTONE);
  }

  @Test
  void someSqlMustBeGiven() {
    assertThatThrownBy(() -> new StatementSinkConfig(props("statement", " ")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("give the SQL to run");
  }

  @Test
  void exactlyOnceIsTheDefaultWithALedgerInPublic() {
    StatementSinkConfig c = new StatementSinkConfig(props("statement", "SELECT 1"));
    assertThat(c.exactlyOnce()).isTrue();
    assertThat(c.offsetsTable()).isEqualTo(new TableId("public", "pgcdc_statement_offsets"));
    assertThat(c.missingField()).isEqualTo(StatementSinkConfig.MissingField.FAIL);
  }
}
