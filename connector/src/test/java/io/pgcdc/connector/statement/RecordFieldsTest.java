package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.statement.RecordFields.Bound;
import io.pgcdc.connector.types.ExactText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordFieldsTest {
  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("row")
          .optional()
          .field("id", SchemaBuilder.int64().parameter("pgcdc.type", "bigint").build())
          .field(
              "amount",
              SchemaBuilder.float64().optional().parameter("pgcdc.type", "numeric").build())
          .build();
  private static final Schema ENVELOPE =
      SchemaBuilder.struct()
          .field("before", ROW)
          .field("after", ROW)
          .field(
              "source",
              SchemaBuilder.struct()
                  .optional()
                  .field(
                      "text_values",
                      SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                          .optional()
                          .build())
                  .build())
          .field("op", Schema.STRING_SCHEMA)
          .build();

  private static Struct row(long id, Double amount) {
    return new Struct(ROW).put("id", id).put("amount", amount);
  }

  private static SinkRecord record(Object key, Schema valueSchema, Object value) {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("trace", "t-1");
    return new SinkRecord(
        "orders", 2, null, key, valueSchema, value, 41, 1_700_000_000_000L, null, headers);
  }

  private static Bound get(RecordFields f, String name) {
    return f.get(Parameter.parse(name));
  }

  @Test
  void anEnvelopesValueIsItsAfterRowWithTheDeclaredTypes() {
    Struct env =
        new Struct(ENVELOPE).put("before", row(1, 1.0)).put("after", row(1, 2.5)).put("op", "u");
    RecordFields f = RecordFields.of(record(Map.of("id", 1L), ENVELOPE, env));
    assertThat(f.operation()).isEqualTo(Operation.UPDATE);
    assertThat(get(f, "value.amount").value()).isEqualTo(2.5);
    assertThat(get(f, "value.amount").pgType()).isEqualTo("numeric");
    assertThat(get(f, "before.amount").value()).isEqualTo(1.0);
    assertThat(get(f, "op").value()).isEqualTo("u");
    assertThat(get(f, "key.id").value()).isEqualTo(1L);
    assertThat(get(f, "key.id").pgType()).isNull();
    assertThat(get(f, "topic").value()).isEqualTo("orders");
    assertThat(get(f, "partition").value()).isEqualTo(2);
    assertThat(get(f, "offset").value()).isEqualTo(41L);
    assertThat(get(f, "header.trace").value()).isEqualTo("t-1");
    assertThat(get(f, "header.other")).isNull();
    assertThat(get(f, "value.nope")).isNull();
  }

  @Test
  void aDeletesValueIsItsBeforeRow() {
    Struct env = new Struct(ENVELOPE).put("before", row(7, null)).put("op", "d");
    RecordFields f = RecordFields.of(record(null, ENVELOPE, env));
    assertThat(f.operation()).isEqualTo(Operation.DELETE);
    assertThat(get(f, "value.id").value()).isEqualTo(7L);
    assertThat(get(f, "value.amount"))
        .isEqualTo(new Bound(null, ROW.field("amount").schema(), "numeric"));
  }

  @Test
  void aNullThatTextValuesListsIsItsExactText() {
    Struct source =
        new Struct(ENVELOPE.field("source").schema())
            .put("text_values", Map.of("after.amount", "NaN"));
    Struct env =
        new Struct(ENVELOPE).put("after", row(3, null)).put("source", source).put("op", "c");
    Bound amount = get(RecordFields.of(record(null, ENVELOPE, env)), "value.amount");
    assertThat(amount.value()).isEqualTo(new ExactText("NaN"));
    assertThat(amount.pgType()).isEqualTo("numeric");
  }

  @Test
  void aFlatSchemalessRecordIsAnInsertWithNestedFieldsByPath() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("id", 5);
    value.put("address", Map.of("city", "Lyon"));
    value.put("tags", List.of("a"));
    value.put("gone", null);
    RecordFields f = RecordFields.of(record("k", null, value));
    assertThat(f.operation()).isEqualTo(Operation.INSERT);
    assertThat(get(f, "value.address.city").value()).isEqualTo("Lyon");
    assertThat(get(f, "value.address.zip")).isNull();
    assertThat(get(f, "value.gone")).isEqualTo(Bound.NULL);
    assertThat(get(f, "value.gone.deeper")).isEqualTo(Bound.NULL);
    assertThat(get(f, "key").value()).isEqualTo("k");
    assertThat(get(f, "op").value()).isNull();
  }

  @Test
  void aTombstoneHasAKeyAndNoValue() {
    RecordFields f = RecordFields.of(record(Map.of("id", 9), null, null));
    assertThat(f.operation()).isEqualTo(Operation.TOMBSTONE);
    assertThat(get(f, "key.id").value()).isEqualTo(9);
    assertThat(get(f, "value.id")).isNull();
  }

  @Test
  void truncatesAndMessagesAreOtherOperations() {
    assertThat(RecordFields.of(record(null, null, Map.of("op", "t", "before", "x"))).operation())
        .isEqualTo(Operation.OTHER);
    assertThatThrownBy(() -> RecordFields.of(record(null, null, Map.of("op", 1, "after", "x"))))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("'op' must be a string");
  }
}
