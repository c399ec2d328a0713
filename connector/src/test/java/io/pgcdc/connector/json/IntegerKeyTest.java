package io.pgcdc.connector.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Reads only the exact spelling of a one-number key; everything else is left to the parser. */
class IntegerKeyTest {
  private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();

  @Test
  void readsTheExactSpelling() {
    IntegerKey reader = IntegerKey.of(KEY);
    assertThat(read(reader, "{\"id\":42}")).isEqualTo(new Struct(KEY).put("id", 42L));
    assertThat(read(reader, "{\"id\":-42}")).isEqualTo(new Struct(KEY).put("id", -42L));
    assertThat(read(reader, "{\"id\":0}")).isEqualTo(new Struct(KEY).put("id", 0L));
  }

  @Test
  void leavesEveryOtherSpellingToTheParser() {
    IntegerKey reader = IntegerKey.of(KEY);
    for (String payload :
        new String[] {
          "{\"id\":-0}",
          "{\"id\":01}",
          "{\"id\": 1}",
          "{\"id\":1 }",
          "{\"id\":1.5}",
          "{\"id\":1e3}",
          "{\"id\":null}",
          "{\"id\":\"1\"}",
          "{\"id\":1234567890123456789}",
          "{\"id\":1,\"x\":1}",
          "{\"ID\":1}",
          "{\"id\":}",
          "{}"
        }) {
      assertThat(read(reader, payload)).as(payload).isNull();
    }
  }

  @Test
  void takesOnlyStructsOfOnePlainWholeNumber() {
    assertThat(IntegerKey.of(SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build()))
        .isNotNull();
    assertThat(IntegerKey.of(Schema.INT64_SCHEMA)).isNull();
    assertThat(IntegerKey.of(SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build()))
        .isNull();
    assertThat(
            IntegerKey.of(
                SchemaBuilder.struct()
                    .field("a", Schema.INT64_SCHEMA)
                    .field("b", Schema.INT64_SCHEMA)
                    .build()))
        .isNull();
    assertThat(
            IntegerKey.of(
                SchemaBuilder.struct()
                    .field("ts", org.apache.kafka.connect.data.Timestamp.SCHEMA)
                    .build()))
        .isNull();
    assertThat(IntegerKey.of(SchemaBuilder.struct().field("a\"b", Schema.INT64_SCHEMA).build()))
        .isNull();
  }

  @Test
  void anInt32OutOfRangeIsLeftToTheParser() {
    Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    IntegerKey reader = IntegerKey.of(key);
    assertThat(read(reader, "{\"id\":2147483647}"))
        .isEqualTo(new Struct(key).put("id", 2147483647));
    assertThat(read(reader, "{\"id\":2147483648}")).isNull();
  }

  private static Struct read(IntegerKey reader, String payload) {
    byte[] bytes = ("xx" + payload + "yy").getBytes(StandardCharsets.UTF_8);
    return reader.read(bytes, 2, bytes.length - 2);
  }
}
