package io.pgcdc.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
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
}
