package io.pgcdc.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CopyBufferTest {
  private static byte[] viaString(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append('\t');
      }
      PgText.appendCopyField(sb, fields[i]);
    }
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] viaBuffer(int capacity, String... fields) {
    CopyBuffer buffer = new CopyBuffer(capacity);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        buffer.tab();
      }
      buffer.field(fields[i]);
    }
    buffer.newline();
    return Arrays.copyOf(buffer.bytes(), buffer.length());
  }

  @Test
  void escapesAndEncodesLikeTheStringForm() {
    String[] row = {"plain", null, "a\\b\tc\nd\re", "\\N", "", "é中😀", "x\ud800y"};

    assertThat(viaBuffer(1, row)).isEqualTo(viaString(row));
    assertThat(new String(viaBuffer(64, "\\N", null), StandardCharsets.UTF_8))
        .isEqualTo("\\\\N\t\\N\n");
  }

  @Test
  void matchesTheStringFormForRandomText() {
    Random random = new Random(42);
    char[] alphabet = {'a', '\\', '\t', '\n', '\r', 'é', '中', '\ud83d', '\ude00', 'N', ' '};
    for (int round = 0; round < 2_000; round++) {
      char[] chars = new char[random.nextInt(40)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String text = new String(chars);

      assertThat(viaBuffer(1 + random.nextInt(8), text, text))
          .as(text)
          .isEqualTo(viaString(text, text));
    }
  }

  private static byte[] rendered(Object value, Schema schema, PgText.Target target) {
    CopyBuffer buffer = new CopyBuffer(1);
    buffer.value(value, schema, target);
    return Arrays.copyOf(buffer.bytes(), buffer.length());
  }

  @Test
  void writesValuesAsTheirRenderedTextWithoutAStringFirst() {
    Schema decimal = Decimal.schema(2);
    Object[][] cases = {
      {"plain", null},
      {"tab\there\\ é中😀 x\ud800", null},
      {0L, null},
      {-1L, null},
      {Long.MAX_VALUE, null},
      {Long.MIN_VALUE, null},
      {42, Schema.INT32_SCHEMA},
      {Integer.MIN_VALUE, null},
      {(short) -7, null},
      {(byte) 5, null},
      {true, null},
      {false, Schema.BOOLEAN_SCHEMA},
      {new byte[] {0, 10, -1}, null},
      {new byte[0], Schema.BYTES_SCHEMA},
      {1.5d, null},
      {Double.NaN, null},
      {new BigDecimal("12.30"), decimal},
      {7L, SchemaBuilder.int64().name("io.debezium.time.Date").build()},
      {List.of(1L, 2L), null},
      {null, null}
    };
    for (Object[] c : cases) {
      Schema schema = (Schema) c[1];
      for (PgText.Target target : PgText.Target.values()) {
        assertThat(rendered(c[0], schema, target))
            .as("%s as %s", c[0], target)
            .isEqualTo(viaBufferField(PgText.render(c[0], schema, target)));
      }
    }
  }

  @Test
  void refusesNulInText() {
    assertThatThrownBy(() -> rendered("a\u0000b", null, PgText.Target.OTHER))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> rendered("é\u0000", null, PgText.Target.OTHER))
        .isInstanceOf(BadRecordException.class);
  }

  private static byte[] viaBufferField(String text) {
    CopyBuffer buffer = new CopyBuffer(1);
    buffer.field(text);
    return Arrays.copyOf(buffer.bytes(), buffer.length());
  }
}
