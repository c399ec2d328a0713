package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void quotesAndDoublesEmbeddedQuotes() {
    assertThat(Identifiers.quote("orders")).isEqualTo("\"orders\"");
    assertThat(Identifiers.quote("a\"; DROP TABLE x; --")).isEqualTo("\"a\"\"; DROP TABLE x; --\"");
    assertThat(Identifiers.literal("it's")).isEqualTo("'it''s'");
  }

  @Test
  void rejectsEmptyAndNul() {
    assertThatThrownBy(() -> Identifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Identifiers.quote("a\0b"))
        .hasMessageContaining("NUL")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesTableNamesAsSqlDoes() {
    assertThat(TableId.parse("Orders", "public")).isEqualTo(new TableId("public", "orders"));
    assertThat(TableId.parse(" Sales . Orders ", "public"))
        .isEqualTo(new TableId("sales", "orders"));
    assertThat(TableId.parse("\"My Schema\".\"Order \"\"Lines\"\"\"", "public"))
        .isEqualTo(new TableId("My Schema", "Order \"Lines\""));
    assertThat(new TableId("My Schema", "a\"b").quoted()).isEqualTo("\"My Schema\".\"a\"\"b\"");
  }

  @Test
  void rejectsMalformedTableNames() {
    assertThatThrownBy(() -> TableId.parse("a.b.c", "public")).hasMessageContaining("schema.table");
    assertThatThrownBy(() -> TableId.parse("\"open", "public"))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> TableId.parse("a..b", "public")).hasMessageContaining("empty");
    assertThatThrownBy(() -> TableId.parse("\"a\"x", "public"))
        .hasMessageContaining("expected '.'");
  }
}
