package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class UncheckedTest {
  private static final Schema ROW =
      SchemaBuilder.struct()
          .field("id", Schema.INT64_SCHEMA)
          .field("name", Schema.OPTIONAL_STRING_SCHEMA)
          .build();

  @Test
  void setsTheFieldsOfConnectsStructWithoutItsCheck() {
    assertThat(Unchecked.active()).as("Struct.values reached").isTrue();
    Struct row = new Struct(ROW);

    Unchecked.put(row, ROW.field("id"), 42L);
    Unchecked.put(row, "name", "x");

    assertThat(row.getInt64("id")).isEqualTo(42L);
    assertThat(row.getString("name")).isEqualTo("x");
    row.validate();
    assertThat(row).isEqualTo(new Struct(ROW).put("id", 42L).put("name", "x"));
  }

  @Test
  void aValueOfAnotherTypeIsNotCheckedButAnUnknownFieldIsNamed() {
    Struct row = new Struct(ROW);
    Unchecked.put(row, ROW.field("id"), "not a number");
    assertThatThrownBy(row::validate).isInstanceOf(DataException.class);

    assertThatThrownBy(() -> Unchecked.put(row, "nosuch", 1))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("nosuch");
  }
}
