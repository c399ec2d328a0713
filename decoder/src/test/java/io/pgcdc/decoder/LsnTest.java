package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

  @Test
  void parsesAndPrintsPostgresForm() {
    Lsn l = Lsn.parse("16/B374D848");
    assertThat(l.value()).isEqualTo(0x16_B374D848L);
    assertThat(l).hasToString("16/B374D848");
    assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.INVALID);
    assertThat(Lsn.parse("ffffffff/ffffffff").value()).isEqualTo(-1L);
    assertThat(new Lsn(-1L)).hasToString("FFFFFFFF/FFFFFFFF");
    assertThat(new Lsn(0x1_0000000AL)).hasToString("1/A");
  }

  @Test
  void comparesUnsigned() {
    assertThat(new Lsn(-1L)).isGreaterThan(new Lsn(Long.MAX_VALUE));
    assertThat(new Lsn(1)).isLessThan(new Lsn(2));
    assertThat(Lsn.INVALID.isValid()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "1/",
        "/1",
        "16B374D848",
        "1/2/3",
        "123456789/0",
        "0/123456789",
        "g/0",
        "1 /2",
        "-1/2",
        "+1/2",
        "1/٣",
        "0x1/2"
      })
  void rejectsBadText(String text) {
    assertThatThrownBy(() -> Lsn.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LSN: expected");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Lsn.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
