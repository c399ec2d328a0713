package io.pgcdc.connector.sink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.ExactText;
import io.pgcdc.decoder.types.CopyText;
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
  /** The fields as COPY reads them back: the decoder's parser of COPY text rows. */
  private static List<String> readBack(byte[] row) {
    return CopyText.parseRow(row);
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
  void escapesBackslashTabNewlineAndCarriageReturnAndWritesNullAsBackslashN() {
    assertThat(new String(viaBuffer(1, "a\\b\tc\nd\re", null, "\\N", ""), StandardCharsets.UTF_8))
        .isEqualTo("a\\\\b\\tc\\nd\\re\t\\N\t\\\\N\t\n");
  }

  @Test
  void readsBackAsTheSameFields() {
    String[] row = {"plain", null, "a\\b\tc\nd\re", "\\N", "", "é中😀"};

    assertThat(readBack(viaBuffer(1, row))).containsExactly(row);
  }

  @Test
  void readsBackAsTheSameTextForRandomText() {
    Random random = new Random(42);
    char[] alphabet = {'a', '\\', '\t', '\n', '\r', 'é', '中', '\ud83d', '\ude00', 'N', ' '};
    for (int round = 0; round < 2_000; round++) {
      char[] chars = new char[random.nextInt(40)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String text = new String(chars);
      // An unpaired surrogate becomes '?', as String.getBytes(UTF_8) writes it.
      String utf8 = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

      assertThat(readBack(viaBuffer(1 + random.nextInt(8), text, text)))
          .as(text)
          .containsExactly(utf8, utf8);
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
      {new ExactText("NaN\t"), decimal},
      {new ExactText("{{1,2},{3,4}}"), SchemaBuilder.array(Schema.INT32_SCHEMA).build()},
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
