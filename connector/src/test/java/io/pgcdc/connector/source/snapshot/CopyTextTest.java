package io.pgcdc.connector.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.connector.types.ValueOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class CopyTextTest {
  private static final TypeResolver TYPES = new TypeResolver(ValueOptions.defaults());
  private static final List<TableSchema.Column> COLUMNS =
      List.of(
          new TableSchema.Column("id", 23, TYPES.forBuiltIn(23, "integer")),
          new TableSchema.Column("t", 25, TYPES.forBuiltIn(25, "text")),
          new TableSchema.Column("b", 17, TYPES.forBuiltIn(17, "bytea")),
          new TableSchema.Column("ok", 16, TYPES.forBuiltIn(16, "boolean")));

  private static Object[] parse(String row) {
    Object[] values = new Object[COLUMNS.size()];
    new CopyText().parse(row.getBytes(StandardCharsets.UTF_8), COLUMNS, values);
    return values;
  }

  @Test
  void splitsFieldsAndConvertsTypedColumns() {
    Object[] v = parse("7\thello\t\\\\x0aff\tt\n");
    assertThat(v[0]).isEqualTo(7);
    assertThat(v[1]).isEqualTo("hello");
    assertThat((byte[]) v[2]).containsExactly(0x0a, 0xff);
    assertThat(v[3]).isEqualTo(true);
  }

  @Test
  void unescapesBackslashSequencesToTheTypesOwnText() {
    Object[] v = parse("1\ttab\\there\\nnl \\\\ bs \\r\\b\\f\\v \\101\\x42\t\\N\tf\n");
    assertThat(v[1]).isEqualTo("tab\there\nnl \\ bs \r\b\f\u000b AB");
    assertThat(v[2]).isNull();
  }

  @Test
  void tellsNullFromTheTextBackslashN() {
    Object[] v = parse("1\t\\\\N\t\\N\tf\n");
    assertThat(v[1]).isEqualTo("\\N");
    assertThat(v[2]).isNull();
  }

  @Test
  void keepsMultiByteCharacters() {
    assertThat(parse("1\tgrüße 東京\t\\N\tt\n")[1]).isEqualTo("grüße 東京");
  }

  @Test
  void rejectsRowsWithTooFewOrTooManyFields() {
    assertThatThrownBy(() -> parse("1\ta\n"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("expected 4 columns");
    assertThatThrownBy(() -> parse("1\ta\t\\N\tt\textra\n"))
        .hasMessageContaining("more fields than the 4 columns");
  }

  @Test
  void namesTheColumnOfAValueItCannotConvert() {
    assertThatThrownBy(() -> parse("x\ta\t\\N\tt\n"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("column id: ");
  }
}
