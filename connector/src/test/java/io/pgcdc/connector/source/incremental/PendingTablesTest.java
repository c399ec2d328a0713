package io.pgcdc.connector.source.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingTablesTest {
  @Test
  void readsTheTablesOfItsOwnCommentOnly() {
    assertThat(PendingTables.parse(PendingTables.HEADER + "\n\"public\".\"b\"\n\"s\".\"c\""))
        .containsExactlyInAnyOrder("\"public\".\"b\"", "\"s\".\"c\"");
    assertThat(PendingTables.parse("the orders publication")).isEmpty();
    assertThat(PendingTables.parse(null)).isEmpty();
  }
}
