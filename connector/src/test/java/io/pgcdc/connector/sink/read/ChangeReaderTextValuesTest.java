package io.pgcdc.connector.sink.read;

import static io.pgcdc.connector.sink.TestRecords.column;
import static io.pgcdc.connector.sink.TestRecords.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.types.ExactText;
import io.pgcdc.connector.types.TextValuesHeader;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Values a typed field cannot hold: null in the row, their exact text in source.text_values. */
class ChangeReaderTextValuesTest {
  private static final Schema AMOUNT =
      Decimal.builder(2).optional().parameter("pgcdc.type", "numeric(10,2)").build();
  private static final Schema ROW =
      SchemaBuilder.struct()
          .optional()
          .field("id", column(Schema.INT64_SCHEMA, "bigint", true))
          .field("amount", AMOUNT)
          .field("grid", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build())
          .field("note", column(Schema.STRING_SCHEMA, "text", true))
          .build();
  private static final Schema KEY =
      SchemaBuilder.struct().field("id", Schema.OPTIONAL_INT64_SCHEMA).build();
  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("schema", Schema.OPTIONAL_STRING_SCHEMA)
          .field("table", Schema.OPTIONAL_STRING_SCHEMA)
          .field(
              "text_values",
              SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
          .build();
  private static final Schema ENVELOPE =
      SchemaBuilder.struct()
          .field("before", ROW)
          .field("after", ROW)
          .field("source", SOURCE)
          .field("op", Schema.STRING_SCHEMA)
          .build();

  private final ChangeReader reader =
      new ChangeReader(config("table.name.format", "${source.schema}.${source.table}_copy"));

  private static SinkRecord record(String op, Long id, Map<String, String> texts) {
    Struct row = new Struct(ROW).put("id", id);
    Struct value =
        new Struct(ENVELOPE)
            .put(op.equals("d") ? "before" : "after", row)
            .put(
                "source",
                new Struct(SOURCE)
                    .put("schema", "public")
                    .put("table", "orders")
                    .put("text_values", texts))
            .put("op", op);
    return new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", id), ENVELOPE, value, 0);
  }

  private static Object valueOf(RowChange c, String column) {
    return c.values()[c.columnNames().indexOf(column)];
  }

  @Test
  void aNullFieldListedInTextValuesIsWrittenAsItsExactText() {
    RowChange c =
        reader.read(record("u", 1L, Map.of("after.amount", "NaN", "after.grid", "[0:1]={1,2}")));

    assertThat(valueOf(c, "amount")).isEqualTo(new ExactText("NaN"));
    assertThat(valueOf(c, "grid")).isEqualTo(new ExactText("[0:1]={1,2}"));
    assertThat(valueOf(c, "note")).isNull();
  }

  @Test
  void aFieldWithAValueIsWrittenAsItsValueAndBeforeEntriesDoNotTouchAfter() {
    SinkRecord r = record("c", 1L, Map.of("before.amount", "NaN", "after.note", "x"));
    ((Struct) ((Struct) r.value()).get("after")).put("note", "kept");

    RowChange c = reader.read(r);

    assertThat(valueOf(c, "amount")).isNull();
    assertThat(valueOf(c, "note")).isEqualTo("kept");
  }

  @Test
  void withoutTextValuesANullFieldStaysNull() {
    RowChange c = reader.read(record("r", 1L, null));

    assertThat(Arrays.asList(c.values())).containsExactly(1L, null, null, null);
  }

  @Test
  void readsTextValuesOfASchemalessEnvelope() {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("id", 1L);
    after.put("amount", null);
    Map<String, Object> value = new HashMap<>();
    value.put("after", after);
    value.put(
        "source",
        Map.of(
            "schema",
            "public",
            "table",
            "orders",
            "text_values",
            Map.of("after.amount", "-Infinity")));
    value.put("op", "u");

    RowChange c = reader.read(new SinkRecord("t", 0, null, Map.of("id", 1L), null, value, 0));

    assertThat(valueOf(c, "amount")).isEqualTo(new ExactText("-Infinity"));
  }

  @Test
  void aKeyColumnListedInTextValuesIsABadRecordNamingTableColumnAndFix() {
    assertThatThrownBy(() -> reader.read(record("u", null, Map.of("after.id", "NaN"))))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("primary key column id of table public.orders_copy")
        .hasMessageContaining("'NaN'")
        .hasMessageContaining("decimal.handling.mode=string or value.mode=text");
  }

  @Test
  void aDeleteWhoseKeyFieldIsListedUnderBeforeIsABadRecord() {
    ChangeReader byValue =
        new ChangeReader(
            config(
                "table.name.format",
                "orders_copy",
                "primary.key.mode",
                "record_value",
                "primary.key.fields",
                "amount"));

    assertThatThrownBy(() -> byValue.read(record("d", 1L, Map.of("before.amount", "NaN"))))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("primary key column amount of table public.orders_copy");
  }

  @Test
  void textValuesThatAreNotAMapOfTextAreABadRecord() {
    Map<String, Object> value = new HashMap<>();
    value.put("after", Map.of("id", 1L));
    value.put("op", "u");
    value.put("source", Map.of("schema", "public", "table", "orders", "text_values", List.of()));
    SinkRecord notAMap = new SinkRecord("t", 0, null, Map.of("id", 1L), null, value, 0);
    Map<String, Object> after = new HashMap<>();
    after.put("id", 1L);
    after.put("amount", null);
    Map<String, Object> value2 = new HashMap<>(value);
    value2.put("after", after);
    value2.put(
        "source",
        Map.of("schema", "public", "table", "orders", "text_values", Map.of("after.amount", 5)));
    SinkRecord notText = new SinkRecord("t", 0, null, Map.of("id", 1L), null, value2, 0);

    assertThatThrownBy(() -> reader.read(notAMap))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("'text_values' must be a map");
    assertThatThrownBy(() -> reader.read(notText))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("\"after.amount\" to text");
  }

  @Test
  void aDecimalFieldKeepsItsValueWhenPresent() {
    SinkRecord r = record("u", 1L, Map.of("after.amount", "NaN"));
    ((Struct) ((Struct) r.value()).get("after")).put("amount", new BigDecimal("1.50"));

    assertThat(valueOf(reader.read(r), "amount")).isEqualTo(new BigDecimal("1.50"));
  }

  @Test
  void aFlatRowTakesTheTextsFromTheHeaderOfTheQuerySource() {
    ChangeReader flat = new ChangeReader(config("table.name.format", "orders_copy"));
    Struct row = new Struct(ROW).put("id", 7L).put("note", "n");
    SinkRecord r = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 7L), ROW, row, 0);
    String grid = "{{\"a \\\" b\",NULL},{\"}\",\"\\\\\"}}";
    byte[] header = TextValuesHeader.write(Map.of("grid", grid));
    r.headers().add(TextValuesHeader.NAME, header, TextValuesHeader.SCHEMA);
    RowChange c = flat.read(r);
    assertThat(valueOf(c, "grid")).isEqualTo(new ExactText(grid));
    assertThat(valueOf(c, "amount")).isNull();
    // As Kafka's SimpleHeaderConverter gives bytes back: their base64 text.
    SinkRecord viaText = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 7L), ROW, row, 0);
    viaText
        .headers()
        .addString(TextValuesHeader.NAME, java.util.Base64.getEncoder().encodeToString(header));
    assertThat(valueOf(flat.read(viaText), "grid")).isEqualTo(new ExactText(grid));
  }
}
