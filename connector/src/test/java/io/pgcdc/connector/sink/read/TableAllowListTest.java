package io.pgcdc.connector.sink.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TableAllowListTest {
  private static TableAllowList of(String format, String... entries) {
    return TableAllowList.of(List.of(entries), TableNameTemplate.parse(format));
  }

  @Test
  void byDefaultARecordThatChoosesTheSchemaStaysInPublic() {
    for (String format : List.of("${source.schema}.${source.table}", "${topic}", "x_${topic}")) {
      TableAllowList list = of(format);

      assertThat(list.allows(new TableId("public", "orders"))).as(format).isTrue();
      assertThat(list.allows(new TableId("audit", "victim"))).as(format).isFalse();
    }
  }

  @Test
  void byDefaultTheSchemaTheTemplateNamesIsAllowedAndNoOther() {
    TableAllowList list = of("archive.${source.table}");

    assertThat(list.allows(new TableId("archive", "orders"))).isTrue();
    assertThat(list.allows(new TableId("public", "orders"))).isFalse();
    assertThat(of("\"My.Schema\".t_${topic}").allows(new TableId("My.Schema", "t_x"))).isTrue();
    assertThat(of("inventory.orders").allows(new TableId("inventory", "orders"))).isTrue();
    assertThat(of("orders").allows(new TableId("public", "orders"))).isTrue();
  }

  @Test
  void entriesNameTablesOrMatchNamesWithWildcards() {
    TableAllowList list =
        of("${source.schema}.${source.table}", "audit.victim", "sales.*", "public.orders_*");

    assertThat(list.allows(new TableId("audit", "victim"))).isTrue();
    assertThat(list.allows(new TableId("audit", "other"))).isFalse();
    assertThat(list.allows(new TableId("sales", "anything"))).isTrue();
    assertThat(list.allows(new TableId("public", "orders_2024"))).isTrue();
    assertThat(list.allows(new TableId("public", "orders"))).isFalse();
    assertThat(list.allows(new TableId("public", "customers"))).isFalse();
  }

  @Test
  void namesFollowTheSqlRulesAndDotsInAPatternAreLiteral() {
    TableAllowList list = of("${topic}", "\"Sales\".\"Order Lines\"", "Audit.T");

    assertThat(list.allows(new TableId("Sales", "Order Lines"))).isTrue();
    assertThat(list.allows(new TableId("sales", "order lines"))).isFalse();
    assertThat(list.allows(new TableId("audit", "t"))).isTrue();
    assertThat(of("${topic}", "a.b_c").allows(new TableId("a", "bxc"))).isFalse();
  }

  @Test
  void aWildcardSchemaNeverMatchesASystemSchema() {
    TableAllowList list = of("${topic}", "*", "*.t");

    assertThat(list.allows(new TableId("anything", "t"))).isTrue();
    assertThat(list.allows(new TableId("pg_catalog", "t"))).isFalse();
    assertThat(list.allows(new TableId("information_schema", "t"))).isFalse();
    assertThat(of("${topic}", "pg_catalog.t").allows(new TableId("pg_catalog", "t"))).isTrue();
  }

  @Test
  void aMalformedEntryIsRejectedNamingTheSetting() {
    for (String bad : List.of("orders", "a.b.c", "\"open.t", "a.")) {
      assertThatThrownBy(() -> TableAllowList.check(bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("table.allow.list");
    }
  }

  @Test
  void theRejectionSaysWhatToAdd() {
    assertThat(of("${source.schema}.${source.table}").rejection(new TableId("audit", "victim")))
        .contains(
            "audit.victim is not allowed",
            "only go to schema public (table.name.format lets the record or topic choose",
            "add \"audit\".\"victim\" or \"audit\".* to table.allow.list");
    assertThat(of("archive.${source.table}").rejection(new TableId("audit", "victim")))
        .contains("only go to schema archive, which table.name.format names");
    assertThat(of("${topic}", "sales.*").rejection(new TableId("audit", "victim")))
        .contains("matches no entry of table.allow.list [sales.*]");
  }
}
