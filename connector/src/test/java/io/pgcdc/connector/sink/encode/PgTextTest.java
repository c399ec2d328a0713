package io.pgcdc.connector.sink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.ExactText;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class PgTextTest {
  @Test
  void stringsPassUnchangedAndPrimitivesInPostgresSpelling() {
    assertThat(PgText.render("12.50", null, PgText.Target.OTHER)).isEqualTo("12.50");
    assertThat(PgText.render(true, null, PgText.Target.OTHER)).isEqualTo("t");
    assertThat(PgText.render(Double.NaN, null, PgText.Target.OTHER)).isEqualTo("NaN");
    assertThat(PgText.render(Float.NEGATIVE_INFINITY, null, PgText.Target.OTHER))
        .isEqualTo("-Infinity");
    assertThat(PgText.render(0.1f, null, PgText.Target.OTHER)).isEqualTo("0.1");
    assertThat(PgText.render(-42L, null, PgText.Target.OTHER)).isEqualTo("-42");
  }

  @Test
  void bytesBecomeByteaHex() {
    assertThat(PgText.render(new byte[] {0, (byte) 0xff, 0x10}, null, PgText.Target.OTHER))
        .isEqualTo("\\x00ff10");
    assertThat(PgText.render(ByteBuffer.wrap(new byte[] {1}), null, PgText.Target.OTHER))
        .isEqualTo("\\x01");
  }

  @Test
  void logicalTypesBecomeExactText() {
    Schema decimal = Decimal.schema(3);
    assertThat(PgText.render(new BigDecimal("1E+3").setScale(3), decimal, PgText.Target.OTHER))
        .isEqualTo("1000.000");
    assertThat(PgText.render(new java.util.Date(1_500L), Timestamp.SCHEMA, PgText.Target.OTHER))
        .isEqualTo("1970-01-01 00:00:01.5+00:00");
    Schema micro = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();
    assertThat(PgText.render(-1L, micro, PgText.Target.OTHER))
        .isEqualTo("1969-12-31 23:59:59.999999");
  }

  @Test
  void exactTextPassesAsItIsWhateverTheSchemaAndTarget() {
    assertThat(PgText.render(new ExactText("NaN"), Decimal.schema(2), PgText.Target.OTHER))
        .isEqualTo("NaN");
    Schema dates = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build();
    assertThat(PgText.render(new ExactText("{{1,2},{3,4}}"), dates, PgText.Target.ARRAY))
        .isEqualTo("{{1,2},{3,4}}");
    assertThat(PgText.render(new ExactText("infinity"), null, PgText.Target.JSON))
        .isEqualTo("infinity");
    assertThatThrownBy(() -> PgText.render(new ExactText("a\0"), null, PgText.Target.OTHER))
        .isInstanceOf(BadRecordException.class);
  }

  @Test
  void listsBecomeArrayLiteralsForArrayColumnsAndJsonOtherwise() {
    List<Object> list = Arrays.asList("a\"b", null, "c\\d");
    Schema schema = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
    assertThat(PgText.render(list, schema, PgText.Target.ARRAY))
        .isEqualTo("{\"a\\\"b\",NULL,\"c\\\\d\"}");
    assertThat(PgText.render(list, schema, PgText.Target.JSON))
        .isEqualTo("[\"a\\\"b\",null,\"c\\\\d\"]");
    assertThat(PgText.render(List.of(List.of(1, 2), List.of(3, 4)), null, PgText.Target.ARRAY))
        .isEqualTo("{{1,2},{3,4}}");
    assertThat(PgText.render(List.of("NULL", "", " x"), schema, PgText.Target.ARRAY))
        .as("texts that would read as NULL, nothing or trimmed are quoted")
        .isEqualTo("{\"NULL\",\"\",\" x\"}");
    assertThatThrownBy(
            () -> PgText.render(List.of(List.of(1, 2), List.of(3)), null, PgText.Target.ARRAY))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("rectangular");
  }

  @Test
  void mapsAndStructsBecomeJson() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("a", 1L);
    map.put("b", List.of("x\n"));
    map.put("c", null);
    assertThat(PgText.render(map, null, PgText.Target.OTHER))
        .isEqualTo("{\"a\":1,\"b\":[\"x\\n\"],\"c\":null}");
    assertThat(PgText.render(Map.of("q\"", List.of(new BigDecimal("1E+2"), 2.5d)), null, null))
        .isEqualTo("{\"q\\\"\":[100,2.5]}");
    Schema s = SchemaBuilder.struct().field("n", Schema.INT32_SCHEMA).build();
    assertThat(PgText.render(new Struct(s).put("n", 5), s, PgText.Target.JSON))
        .isEqualTo("{\"n\":5}");
  }

  @Test
  void rejectsNulCharacters() {
    assertThatThrownBy(() -> PgText.render("a\0b", null, PgText.Target.OTHER))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void hstoreColumnsTakeMapsAndJsonObjectsAsHstoreLiterals() {
    assertThat(PgText.Target.of("hstore")).isEqualTo(PgText.Target.HSTORE);
    assertThat(PgText.Target.of("extensions.hstore")).isEqualTo(PgText.Target.HSTORE);
    Map<String, String> pairs = new LinkedHashMap<>();
    pairs.put("a", "1");
    pairs.put("q\"", null);
    assertThat(PgText.render(pairs, null, PgText.Target.HSTORE))
        .isEqualTo("\"a\"=>\"1\", \"q\\\"\"=>NULL");
    Schema json = SchemaBuilder.string().name("io.debezium.data.Json").build();
    assertThat(PgText.render("{\"a\":\"1\",\"q\\\"\":null}", json, PgText.Target.HSTORE))
        .isEqualTo("\"a\"=>\"1\", \"q\\\"\"=>NULL");
    assertThat(PgText.render("\"a\"=>\"1\"", Schema.STRING_SCHEMA, PgText.Target.HSTORE))
        .as("text mode: already hstore text")
        .isEqualTo("\"a\"=>\"1\"");
    assertThatThrownBy(() -> PgText.render("{\"a\":1}", json, PgText.Target.HSTORE))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("key 'a'");
  }
}
