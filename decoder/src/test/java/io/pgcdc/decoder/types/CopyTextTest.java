package io.pgcdc.decoder.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.decoder.DecodeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CopyTextTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsOnTabsUndoesEscapesAndReadsNull() {
    assertThat(CopyText.parseRow(bytes("1\ta\\tb\\nc\\\\d\t\\N\tné\t\\x41\\101\\7\t\\Nx\n")))
        .isEqualTo(Arrays.asList("1", "a\tb\nc\\d", null, "né", "AA\u0007", "Nx"));
    assertThat(CopyText.parseRow(bytes(""))).containsExactly("");
    assertThat(CopyText.parseRow(bytes("\t"))).containsExactly("", "");
  }

  @Test
  void octalEscapesFormUtf8Bytes() {
    assertThat(CopyText.parseRow(bytes("\\303\\251"))).containsExactly("é");
  }

  @Test
  void aBackslashAtTheEndIsAnError() {
    assertThatThrownBy(() -> CopyText.parseRow(bytes("ab\\")))
        .isInstanceOf(DecodeException.class)
        .hasMessage("COPY row: expected a character after '\\', got end of row at offset 2");
  }

  @Test
  void fieldsEscapedAsCopyWritesThemReadBackTheSame() {
    String row = "plain\ttab\\there\tnew\\nline\\r\tback\\\\slash\t\\\\N\t\t\\N\n";

    assertThat(CopyText.parseRow(bytes(row)))
        .containsExactly("plain", "tab\there", "new\nline\r", "back\\slash", "\\N", "", null);
  }

  @Test
  void fillsAnArrayAndCountsTheFieldsOfTheRow() {
    String[] fields = new String[4];
    assertThat(CopyText.parseRow(bytes("7\ta\\tb\t\\N\tgrüße\n"), fields)).isEqualTo(4);
    assertThat(fields).containsExactly("7", "a\tb", null, "grüße");
    String[] two = new String[2];
    assertThat(CopyText.parseRow(bytes("1\t2\t3"), two)).isEqualTo(3);
    assertThat(two).containsExactly("1", "2");
    assertThat(CopyText.parseRow(bytes("\\\\N\t\\x\n"), two)).isEqualTo(2);
    assertThat(two).containsExactly("\\N", "x");
    assertThatThrownBy(() -> CopyText.parseRow(bytes("1\tab\\"), two))
        .isInstanceOf(DecodeException.class)
        .hasMessage("COPY row: expected a character after '\\', got end of row at offset 4");
  }
}
