package io.pgcdc.connector.source.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ColumnKindTest {
  @Test
  void mapsTheSinkContractTypesAndEverythingElseToText() {
    assertThat(ColumnKind.forOid(16)).isEqualTo(ColumnKind.BOOLEAN);
    assertThat(ColumnKind.forOid(21)).isEqualTo(ColumnKind.INT16);
    assertThat(ColumnKind.forOid(23)).isEqualTo(ColumnKind.INT32);
    assertThat(ColumnKind.forOid(20)).isEqualTo(ColumnKind.INT64);
    assertThat(ColumnKind.forOid(17)).isEqualTo(ColumnKind.BYTES);
    assertThat(ColumnKind.forOid(700)).as("real: NaN must survive JSON").isEqualTo(ColumnKind.TEXT);
    assertThat(ColumnKind.forOid(1700)).isEqualTo(ColumnKind.TEXT);
  }

  @Test
  void schemaCarriesThePostgresType() {
    Schema s = ColumnKind.TEXT.schema("numeric(10,2)", true);
    assertThat(s.type()).isEqualTo(Schema.Type.STRING);
    assertThat(s.isOptional()).isTrue();
    assertThat(s.parameters()).containsEntry("pgcdc.type", "numeric(10,2)");
  }

  @Test
  void parsesIntegersAtTheirLimits() {
    assertThat(ColumnKind.INT64.fromString("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(ColumnKind.INT64.fromString("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(ColumnKind.INT16.fromString("-32768")).isEqualTo((short) -32768);
    assertThat(ColumnKind.INT32.fromString("0")).isEqualTo(0);
    assertThatThrownBy(() -> ColumnKind.INT64.fromString("9223372036854775808"))
        .isInstanceOf(DataException.class);
    assertThatThrownBy(() -> ColumnKind.INT16.fromString("32768"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("'32768'");
    assertThatThrownBy(() -> ColumnKind.INT32.fromString("12a")).hasMessageContaining("'12a'");
    assertThatThrownBy(() -> ColumnKind.INT32.fromString("-")).isInstanceOf(DataException.class);
  }

  @Test
  void parsesBooleansAndHexBytea() {
    assertThat(ColumnKind.BOOLEAN.fromString("f")).isEqualTo(false);
    assertThat((byte[]) ColumnKind.BYTES.fromString("\\x")).isEmpty();
    assertThat((byte[]) ColumnKind.BYTES.fromString("\\xDEADbeef"))
        .containsExactly(0xde, 0xad, 0xbe, 0xef);
    assertThatThrownBy(() -> ColumnKind.BOOLEAN.fromString("maybe"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("'maybe'");
  }
}
