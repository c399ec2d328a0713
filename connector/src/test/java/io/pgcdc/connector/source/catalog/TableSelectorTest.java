package io.pgcdc.connector.source.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSelectorTest {
  private static final String SETTING = PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG;

  @Test
  void patternsThatMatchNoTableAreNamedAndTablesAndMatchingPatternsAreNot() {
    List<TableSelector> selectors =
        List.of(
            TableSelector.parse(SETTING, "public.*"),
            TableSelector.parse(SETTING, "nosuchschema.*"),
            TableSelector.parse(SETTING, "public.gone"),
            TableSelector.parse(SETTING, "\"Empty\".*"));
    List<TableId> tables = List.of(new TableId("public", "orders"));

    List<TableSelector> unmatched = TableSelector.unmatchedPatterns(selectors, tables);

    // A listed table that does not exist is an error of its own ("Table ... does not exist").
    assertThat(unmatched)
        .extracting(TableSelector::text)
        .containsExactly("nosuchschema.*", "Empty.*");
    assertThat(unmatched.get(0).matchesNothing())
        .contains("'nosuchschema.*' in table.include.list matches no table", "\"nosuchschema\"");
  }

  @Test
  void everyTableMatchesNothingInADatabaseWithoutTables() {
    List<TableSelector> all = List.of(TableSelector.parse(SETTING, "*"));
    assertThat(TableSelector.unmatchedPatterns(all, List.of())).hasSize(1);
    assertThat(TableSelector.unmatchedPatterns(all, List.of(new TableId("s", "t")))).isEmpty();
    assertThat(all.get(0).matchesNothing()).contains("'*'", "no tables outside the system schemas");
  }
}
