package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.statement.StatementSinkConfig.MissingField;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ItemTest {
  private static RecordFields fields(Schema schema, Object value) {
    return RecordFields.of(new SinkRecord("t", 0, null, null, schema, value, 3));
  }

  @Test
  void aMissingFieldIsAnErrorNamingItUnlessNullIsAllowed() {
    Template t = Template.parse("statement", "INSERT INTO x VALUES (:value.id, :value.note)");
    RecordFields f = fields(null, Map.of("id", 1));
    assertThatThrownBy(() -> Item.of(f, t, MissingField.FAIL))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("no field for parameter :value.note of statement")
        .hasMessageContaining("missing.field.mode=null");
    Item item = Item.of(f, t, MissingField.NULL);
    assertThat(item.args()).containsExactly(1, Binding.NULL);
    assertThat(item.sql()).containsExactly("INSERT INTO x VALUES (?, ?)");
  }

  @Test
  void aValueWithAPostgresTypeIsBoundAsItsTextCastToTheType() {
    Schema schema =
        SchemaBuilder.struct()
            .field("n", Decimal.builder(2).parameter("pgcdc.type", "numeric(10,2)").build())
            .field(
                "tags",
                SchemaBuilder.array(Schema.STRING_SCHEMA).parameter("pgcdc.type", "text[]").build())
            .build();
    Struct value =
        new Struct(schema)
            .put("n", new BigDecimal("12.30"))
            .put("tags", java.util.List.of("a,b", "c\"d"));
    Template t = Template.parse("statement", "SELECT f(:value.n, :value.tags)");
    Item item = Item.of(fields(schema, value), t, MissingField.FAIL);
    assertThat(item.sql()).containsExactly("SELECT f(?::numeric(10,2), ?::text[])");
    assertThat(item.args()).containsExactly("12.30", "{\"a,b\",\"c\\\"d\"}");
  }

  @Test
  void aValueWithoutAPostgresTypeIsBoundByItsConnectType() {
    Schema schema =
        SchemaBuilder.struct()
            .field("d", Date.SCHEMA)
            .field("ts", Timestamp.SCHEMA)
            .field("amount", Decimal.schema(1))
            .field("nested", SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build())
            .build();
    Struct value =
        new Struct(schema)
            .put("d", new java.util.Date(86_400_000L))
            .put("ts", new java.util.Date(1_000L))
            .put("amount", new BigDecimal("1.5"))
            .put("nested", new Struct(schema.field("nested").schema()).put("a", 1));
    Template t =
        Template.parse("statement", "SELECT :value.d, :value.ts, :value.amount, :value.nested");
    Item item = Item.of(fields(schema, value), t, MissingField.FAIL);
    assertThat(item.sql()).containsExactly("SELECT ?, ?, ?, ?");
    assertThat(item.args())
        .containsExactly(
            LocalDate.of(1970, 1, 2),
            OffsetDateTime.parse("1970-01-01T00:00:01Z"),
            new BigDecimal("1.5"),
            "{\"a\":1}");
  }

  @Test
  void aTypeThatIsNoTypeNameMakesTheRecordBad() {
    Schema schema =
        SchemaBuilder.struct()
            .field(
                "x",
                SchemaBuilder.string().parameter("pgcdc.type", "int); DROP TABLE t; --").build())
            .build();
    Template t = Template.parse("statement", "SELECT :value.x");
    assertThatThrownBy(
            () -> Item.of(fields(schema, new Struct(schema).put("x", "1")), t, MissingField.FAIL))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("parameter :value.x")
        .hasMessageContaining("not a type name");
  }
}
