package io.pgcdc.connector.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.sink.change.ColumnSpec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ColumnTypesTest {
  @Test
  void acceptsTypesAsFormatTypePrintsThem() {
    for (String type :
        List.of(
            "numeric(10,2)",
            "character(5)",
            "timestamp(3) with time zone",
            "time without time zone",
            "integer[]",
            "double precision[][]",
            "interval day to second(3)",
            "\"My Enum\"",
            "app.mood",
            "bit varying(8)")) {
      assertThat(ColumnTypes.isTypeText(type)).as(type).isTrue();
    }
  }

  @Test
  void refusesTextThatIsNotATypeName() {
    for (String type :
        List.of("int); DROP TABLE x; --", "text DEFAULT now()", "int, evil int", "\"a\"\"", "")) {
      assertThat(ColumnTypes.isTypeText(type)).as(type).isFalse();
    }
  }

  @Test
  void newColumnTypesPreferTheDeclaredPostgresType() {
    assertThat(
            ColumnTypes.forNewColumn(
                new ColumnSpec("c", "numeric(10,2)", Schema.STRING_SCHEMA), "1"))
        .isEqualTo("numeric(10,2)");
    assertThat(ColumnTypes.forNewColumn(new ColumnSpec("c", null, Decimal.schema(2)), null))
        .isEqualTo("numeric");
    assertThat(ColumnTypes.forNewColumn(new ColumnSpec("c", null, Timestamp.SCHEMA), null))
        .isEqualTo("timestamp with time zone");
    assertThat(ColumnTypes.forSchema(SchemaBuilder.array(Schema.INT64_SCHEMA).build()))
        .isEqualTo("bigint[]");
    assertThat(ColumnTypes.forNewColumn(new ColumnSpec("c", null, null), Map.of("a", 1)))
        .isEqualTo("jsonb");
    assertThat(ColumnTypes.forNewColumn(new ColumnSpec("c", null, null), 7L)).isEqualTo("bigint");
  }

  @Test
  void semanticNamesWithoutADeclaredTypeGetTheirPostgresType() {
    assertThat(ColumnTypes.forSchema(named(Schema.STRING_SCHEMA, "io.debezium.data.Xml")))
        .isEqualTo("xml");
    assertThat(ColumnTypes.forSchema(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroDuration")))
        .isEqualTo("interval");
    assertThat(ColumnTypes.forSchema(named(Schema.STRING_SCHEMA, "io.debezium.data.Enum")))
        .isEqualTo("text");
    assertThat(ColumnTypes.forSchema(named(Schema.STRING_SCHEMA, "io.debezium.time.Interval")))
        .isEqualTo("interval");
  }

  @Test
  void arraysOfDecimalsAndZonedTimestampsArePostgresArrays() {
    Schema decimal = Decimal.builder(2).optional().build();
    Schema variable =
        SchemaBuilder.struct()
            .name("io.debezium.data.VariableScaleDecimal")
            .field("scale", Schema.INT32_SCHEMA)
            .field("value", Schema.BYTES_SCHEMA)
            .optional()
            .build();
    Schema zoned =
        SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build();

    assertThat(ColumnTypes.forSchema(SchemaBuilder.array(decimal).build())).isEqualTo("numeric[]");
    assertThat(ColumnTypes.forSchema(SchemaBuilder.array(variable).build())).isEqualTo("numeric[]");
    assertThat(ColumnTypes.forSchema(SchemaBuilder.array(zoned).build()))
        .isEqualTo("timestamp with time zone[]");
    assertThat(ColumnTypes.forSchema(SchemaBuilder.array(Schema.BYTES_SCHEMA).build()))
        .isEqualTo("jsonb");
  }

  private static Schema named(Schema base, String name) {
    return new SchemaBuilder(base.type()).name(name).build();
  }

  @Test
  void aColumnHoldsTheSameOrANarrowerType() {
    assertThat(ColumnTypes.holds("bigint", "integer")).isTrue();
    assertThat(ColumnTypes.holds("numeric(12,3)", "numeric(10,2)")).isTrue();
    assertThat(ColumnTypes.holds("numeric", "bigint")).isTrue();
    assertThat(ColumnTypes.holds("character varying(20)", "character varying(10)")).isTrue();
    assertThat(ColumnTypes.holds("text", "inet")).isTrue();
    assertThat(ColumnTypes.holds("bigint[]", "smallint[]")).isTrue();
    assertThat(ColumnTypes.holds("timestamp with time zone", "timestamp(3) with time zone"))
        .isTrue();
  }

  @Test
  void aColumnDoesNotHoldAWiderOrDifferentType() {
    assertThat(ColumnTypes.holds("integer", "bigint")).isFalse();
    assertThat(ColumnTypes.holds("numeric(10,2)", "numeric(12,2)")).isFalse();
    assertThat(ColumnTypes.holds("numeric(10,2)", "numeric(10,3)")).isFalse();
    assertThat(ColumnTypes.holds("character varying(10)", "text")).isFalse();
    assertThat(ColumnTypes.holds("double precision", "numeric")).isFalse();
    assertThat(ColumnTypes.holds("timestamp without time zone", "timestamp with time zone"))
        .isFalse();
    assertThat(ColumnTypes.holds("integer", "text")).isFalse();
  }
}
