package io.pgcdc.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.TableSelector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PostgresSourceConfigTest {
  private static Map<String, String> minimal() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "Orders-CDC (prod)");
    props.put("connection.url", "postgresql://u:p@db:5432/shop");
    props.put("table.include.list", "public.orders, \"Sales\".*");
    return props;
  }

  @Test
  void derivesSafeSlotPublicationAndTopicNamesFromTheConnectorName() {
    PostgresSourceConfig config = new PostgresSourceConfig(minimal());
    assertThat(config.slotName()).isEqualTo("pgcdc_orders_cdc__prod_");
    assertThat(config.publicationName()).isEqualTo(config.slotName());
    assertThat(config.topicPrefix()).isEqualTo("Orders-CDC (prod)");
    assertThat(config.snapshotMode()).isEqualTo(PostgresSourceConfig.SnapshotMode.INITIAL);
    assertThat(config.tombstonesOnDelete()).isTrue();
    assertThat(config.cleanupOnDelete()).isTrue();
  }

  @Test
  void cutsLongNamesTo63Characters() {
    Map<String, String> props = minimal();
    props.put("name", "x".repeat(100));
    assertThat(new PostgresSourceConfig(props).slotName()).hasSize(63).startsWith("pgcdc_xxx");
  }

  @Test
  void readsTableSelectors() {
    List<TableSelector> selectors = new PostgresSourceConfig(minimal()).tableSelectors();
    assertThat(selectors)
        .containsExactly(new TableSelector("public", "orders"), new TableSelector("Sales", null));
    assertThat(selectors.get(1).matches(new TableId("Sales", "x"))).isTrue();
    assertThat(selectors.get(1).matches(new TableId("sales", "x"))).isFalse();
    TableSelector all = TableSelector.parse("t", "*");
    assertThat(all.matches(new TableId("app", "t"))).isTrue();
    assertThat(all.matches(new TableId("pg_catalog", "pg_class"))).isFalse();
  }

  @Test
  void rejectsUnqualifiedTablesAndBadSettingsNamingThem() {
    Map<String, String> props = minimal();
    props.put("table.include.list", "orders");
    assertThatThrownBy(() -> new PostgresSourceConfig(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.include.list")
        .hasMessageContaining("not schema-qualified");
    props.put("table.include.list", "public.orders");
    props.put("snapshot.mode", "sometimes");
    assertThatThrownBy(() -> new PostgresSourceConfig(props)).hasMessageContaining("snapshot.mode");
    props.remove("snapshot.mode");
    props.put("slot.name", "Bad-Name");
    assertThatThrownBy(() -> new PostgresSourceConfig(props)).hasMessageContaining("slot.name");
  }

  @Test
  void parsesKeyColumns() {
    Map<String, String> props = minimal();
    props.put("table.key.columns", "public.events:id; app.log:host, ts");
    assertThat(new PostgresSourceConfig(props).keyColumns())
        .containsEntry(new TableId("public", "events"), List.of("id"))
        .containsEntry(new TableId("app", "log"), List.of("host", "ts"));
    props.put("table.key.columns", "public.events");
    assertThatThrownBy(() -> new PostgresSourceConfig(props))
        .hasMessageContaining("table.key.columns")
        .hasMessageContaining("schema.table:col1,col2");
  }
}
