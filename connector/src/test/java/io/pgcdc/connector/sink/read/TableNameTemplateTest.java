package io.pgcdc.connector.sink.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableNameTemplateTest {
  private static final Map<String, String> VALUES =
      Map.of(
          "topic", "orders",
          "source.schema", "Sales",
          "source.table", "Order Lines",
          "key.tenant", "acme",
          "value.region", "eu");

  @Test
  void fillsEveryKindOfPlaceholder() {
    TableNameTemplate t =
        TableNameTemplate.parse("${source.schema}.${key.tenant}_${value.region}_${topic}");

    assertThat(t.render(VALUES::get)).isEqualTo(new TableId("Sales", "acme_eu_orders"));
    assertThat(t.isConstant()).isFalse();
    assertThat(t.needsValue()).isTrue();
  }

  @Test
  void keepsTheCaseAndSpacesOfNames() {
    assertThat(TableNameTemplate.parse("${source.schema}.${source.table}").render(VALUES::get))
        .isEqualTo(new TableId("Sales", "Order Lines"));
  }

  @Test
  void aNameWithoutSchemaGoesToPublic() {
    TableNameTemplate t = TableNameTemplate.parse("copy_of_${topic}");

    assertThat(t.render(VALUES::get)).isEqualTo(new TableId("public", "copy_of_orders"));
    assertThat(t.dependsOnTopicOnly()).isTrue();
    assertThat(t.needsValue()).isFalse();
  }

  @Test
  void quotedNamesFollowSqlRules() {
    assertThat(TableNameTemplate.toTableId("\"my.schema\".\"T\""))
        .isEqualTo(new TableId("my.schema", "T"));
  }

  @Test
  void aConstantTemplateHasNoPlaceholders() {
    assertThat(TableNameTemplate.parse("audit.events").isConstant()).isTrue();
  }

  @Test
  void rejectsUnknownPlaceholdersAndUnclosedOnes() {
    assertThatThrownBy(() -> TableNameTemplate.parse("${table}"))
        .hasMessageContaining("unknown placeholder ${table}");
    assertThatThrownBy(() -> TableNameTemplate.parse("x_${topic")).hasMessageContaining("unclosed");
  }

  @Test
  void rejectsANameWithTooManyParts() {
    assertThatThrownBy(() -> TableNameTemplate.parse("${topic}").render(t -> "pg.public.orders"))
        .hasMessageContaining("3 dot-separated parts")
        .hasMessageContaining("topic.regex");
  }

  @Test
  void rejectsANameThatPostgresqlWouldCut() {
    String sixtyThree = "t".repeat(63);
    assertThat(TableNameTemplate.toTableId(sixtyThree).table()).isEqualTo(sixtyThree);
    assertThatThrownBy(() -> TableNameTemplate.toTableId(sixtyThree + "_copy"))
        .hasMessageContaining("'" + sixtyThree + "_copy' is longer than PostgreSQL's limit of 63")
        .hasMessageContaining("topic.regex");
    // 32 two-byte characters are 64 bytes
    assertThatThrownBy(() -> TableNameTemplate.toTableId("s." + "\u00e9".repeat(32)))
        .hasMessageContaining("63 bytes");
    assertThatThrownBy(() -> TableNameTemplate.toTableId("\"" + "x".repeat(64) + "\".t"))
        .hasMessageContaining("'" + "x".repeat(64) + "'");
  }
}
