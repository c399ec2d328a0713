package io.pgcdc.connector.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares {@link JsonConverter} with Kafka's JsonConverter configured the same way: the same bytes
 * out of fromConnectData, equal SchemaAndValue out of toConnectData, the same exceptions.
 */
class JsonConverterTest {
  private static final String TOPIC = "t";

  /** Test names with the method name: reports merge parameterized tests of the same name. */
  private static final String SETTINGS =
      "{displayName}: schemas.enable={0}, decimal.format={1}, replace.null.with.default={2}";

  static Stream<Arguments> settings() {
    List<Arguments> all = new ArrayList<>();
    for (boolean schemas : new boolean[] {true, false}) {
      for (String decimals : new String[] {"BASE64", "NUMERIC"}) {
        for (boolean replace : new boolean[] {true, false}) {
          all.add(Arguments.of(schemas, decimals, replace));
        }
      }
    }
    return all.stream();
  }

  private static Map<String, Object> config(boolean schemas, String decimals, boolean replace) {
    Map<String, Object> config = new HashMap<>();
    config.put("schemas.enable", Boolean.toString(schemas));
    config.put("decimal.format", decimals);
    config.put("replace.null.with.default", Boolean.toString(replace));
    return config;
  }

  /** Kafka's converter and ours, configured alike. */
  private record Pair(org.apache.kafka.connect.json.JsonConverter kafka, JsonConverter ours) {
    static Pair of(Map<String, Object> config, boolean isKey) {
      org.apache.kafka.connect.json.JsonConverter kafka =
          new org.apache.kafka.connect.json.JsonConverter();
      kafka.configure(config, isKey);
      JsonConverter ours = new JsonConverter();
      ours.configure(config, isKey);
      return new Pair(kafka, ours);
    }

    /** Writes with both; returns Kafka's bytes, or null when both refused the value. */
    byte[] assertSameWrite(Schema schema, Object value) {
      byte[] expected =
          assertSameOutcome(
              () -> kafka.fromConnectData(TOPIC, schema, value),
              () -> ours.fromConnectData(TOPIC, schema, value),
              () -> "schema " + schema + ", value " + value);
      if (expected != null) {
        assertArrayEquals(
            expected,
            ours.fromConnectData(TOPIC, schema, value),
            () ->
                "schema "
                    + schema
                    + "\nexpected "
                    + new String(expected, StandardCharsets.UTF_8)
                    + "\nactual   "
                    + new String(
                        ours.fromConnectData(TOPIC, schema, value), StandardCharsets.UTF_8));
      }
      return expected;
    }

    void assertSameRead(byte[] bytes) {
      Supplier<String> what =
          () -> bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
      SchemaAndValue expected =
          assertSameOutcome(
              () -> kafka.toConnectData(TOPIC, bytes),
              () -> ours.toConnectData(TOPIC, bytes),
              what);
      if (expected != null) {
        SchemaAndValue actual = ours.toConnectData(TOPIC, bytes);
        assertEquals(expected.schema(), actual.schema(), what);
        // Kafka reads the "NaN" and "±Infinity" it writes for floats back as 0; ours as
        // themselves (nonFiniteValuesReadBackAsThemselves): compare the rest.
        assertEquals(comparable(expected.value(), true), comparable(actual.value(), true), what);
      }
    }

    /** Ours refuses what Kafka reads by coercing it; the message names the value's place. */
    void assertRefused(String document, String path, String found) {
      byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
      DataException e =
          assertThrows(
              SchemaMismatchException.class, () -> ours.toConnectData(TOPIC, bytes), document);
      String at = path.isEmpty() ? "JSON value does not" : "JSON value at " + path + " does not";
      assertTrue(e.getMessage().startsWith(at), () -> document + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(found), () -> document + ": " + e.getMessage());
    }
  }

  /** Kafka's result; or, when Kafka throws, asserts ours throws the same and returns null. */
  private static <T> T assertSameOutcome(
      Supplier<T> kafka, Supplier<T> ours, Supplier<String> what) {
    RuntimeException expected;
    try {
      return kafka.get();
    } catch (RuntimeException e) {
      expected = e;
    }
    RuntimeException actual = assertThrows(RuntimeException.class, ours::get, what);
    assertEquals(expected.getClass(), actual.getClass(), what);
    assertEquals(expected.getMessage(), actual.getMessage(), what);
    return null;
  }

  /**
   * Values as comparable trees: byte arrays by content (List.equals would compare them by
   * identity), structs as their schema and field values; NaN and infinities as 0 when
   * nonFiniteAsZero.
   */
  static Object comparable(Object v, boolean nonFiniteAsZero) {
    if (nonFiniteAsZero && v instanceof Double d && !Double.isFinite(d)) {
      return comparable(0.0, false);
    }
    if (nonFiniteAsZero && v instanceof Float f && !Float.isFinite(f)) {
      return comparable(0.0f, false);
    }
    if (v instanceof byte[]) {
      return ByteBuffer.wrap((byte[]) v);
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object e : (List<?>) v) {
        out.add(comparable(e, nonFiniteAsZero));
      }
      return out;
    }
    if (v instanceof Map) {
      Map<Object, Object> out = new HashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        out.put(comparable(e.getKey(), nonFiniteAsZero), comparable(e.getValue(), nonFiniteAsZero));
      }
      return out;
    }
    if (v instanceof Struct) {
      Struct s = (Struct) v;
      List<Object> out = new ArrayList<>();
      out.add(s.schema());
      for (Field f : s.schema().fields()) {
        out.add(comparable(s.getWithoutDefault(f.name()), nonFiniteAsZero));
      }
      return out;
    }
    if (v != null) {
      // The class matters too: a Long where Kafka gives an Integer is a difference.
      return List.of(v.getClass(), v);
    }
    return null;
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void randomSchemasAndValuesWriteTheSameBytesAndReadBackEqual(
      boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    RandomConnectData data = new RandomConnectData(20261122L);
    for (int i = 0; i < 400; i++) {
      Schema schema = data.schema(0);
      for (int j = 0; j < 4; j++) {
        byte[] bytes = pair.assertSameWrite(schema, data.value(schema, true));
        pair.assertSameRead(bytes);
      }
    }
    // The comparison above would pass if everything fell back to Kafka's converter: check the
    // fast paths did the work. Reads fall back for NaN / infinities (written as strings), big
    // integers without a decimal schema and values Kafka refuses: a few percent here.
    assertEquals(0, pair.ours.fallbackWrites());
    assertTrue(pair.ours.fallbackReads() < 80, () -> pair.ours.fallbackReads() + " of 1600");
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void randomSchemalessValuesWriteTheSameBytesAndReadBackEqual(
      boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    RandomConnectData data = new RandomConnectData(7L);
    for (int i = 0; i < 1000; i++) {
      byte[] bytes = pair.assertSameWrite(null, data.schemaless(0));
      pair.assertSameRead(bytes);
    }
    assertEquals(0, pair.ours.fallbackWrites());
    assertEquals(0, pair.ours.fallbackReads());
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void documentsOtherProducersWriteReadEqual(boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    String int32 = "{\"type\":\"int32\",\"optional\":false}";
    String optInt64 = "{\"type\":\"int64\",\"optional\":true,\"default\":7}";
    String struct =
        "{\"type\":\"struct\",\"optional\":false,\"fields\":["
            + "{\"type\":\"string\",\"optional\":true,\"field\":\"s\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"default\":5,\"field\":\"n\"},"
            + "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\","
            + "\"parameters\":{\"scale\":\"2\"},\"field\":\"d\"}]}";
    String[] documents = {
      "",
      " ",
      "null",
      "nul",
      "{",
      "[1,2]",
      "007",
      "12345678901234567890123",
      "1.5e400",
      "-0.0",
      "\"text\"",
      "{\"a\":1,\"a\":2}",
      "{\"a\":[1,{\"b\":null}],\"c\":1.10}",
      "{\"x\":1} trailing",
      "{\"x\":1} {\"y\":2}",
      envelope(int32, "5"),
      // The same schema again, read from the remembered prefix: only the payload is parsed.
      envelope(int32, " 6 "),
      envelope(int32, ""),
      envelope(int32, "5,\"extra\":1"),
      envelope(int32, "5} {\"a\":1"),
      envelope(int32, "5}"),
      envelope(int32, "007"),
      envelope(int32, "5.0"),
      envelope(int32, "-2147483648"),
      envelope(optInt64, "-9223372036854775808"),
      envelope("{\"type\":\"int8\",\"optional\":false}", "-128"),
      envelope("{\"type\":\"int16\",\"optional\":false}", "3e2"),
      envelope("{\"type\":\"double\",\"optional\":false}", "12345678901234567890123"),
      envelope("{\"type\":\"float\",\"optional\":false}", "9007199254740993"),
      envelope(optInt64, "null"),
      envelope("{\"type\":\"double\",\"optional\":false}", "\"NaN\""),
      envelope("{\"type\":\"double\",\"optional\":false}", "1.10"),
      envelope("{\"type\":\"float\",\"optional\":false}", "16777217"),
      envelope("{\"type\":\"bytes\",\"optional\":false}", "\"AQID\""),
      envelope("{\"type\":\"array\",\"items\":{\"type\":\"int8\",\"optional\":false}}", "[1,2]"),
      envelope(
          "{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},"
              + "\"values\":{\"type\":\"string\",\"optional\":true}}",
          "[[1,\"a\"],[2,null],[1,\"c\"]]"),
      envelope(struct, "{\"s\":\"x\",\"n\":1,\"d\":\"AQI=\"}"),
      envelope(struct, "{\"d\":\"AQI=\",\"extra\":{\"deep\":[1,2]},\"s\":null}"),
      envelope(struct, "{\"s\":\"x\",\"n\":1,\"d\":1.5}"),
      envelope(struct, "{\"s\":\"x\",\"n\":1,\"d\":15}"),
      envelope(
          "{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Date\"}",
          "19000"),
      envelope(
          "{\"type\":\"int64\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Timestamp\"}",
          "1700000000000"),
      envelope("null", "{\"a\":[1,2.5,\"x\",true,null]}"),
      "{\"payload\":5,\"schema\":" + int32 + "}",
      "{\"schema\":" + int32 + ",\"payload\":5,\"extra\":1}",
      "{\"schema\":" + int32 + "}",
      "{\"schema\":{\"type\":\"nope\"},\"payload\":1}",
      "{\"schema\":\"int32\",\"payload\":1}",
      envelope(int32, "5") + " ",
      envelope(int32, "5") + "x",
    };
    for (String document : documents) {
      pair.assertSameRead(document.getBytes(StandardCharsets.UTF_8));
    }
    pair.assertSameRead(null);
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void valuesOfAnotherJsonTypeThanTheirSchemaAreRefusedNamingTheField(
      boolean schemas, String decimals, boolean replace) {
    if (!schemas) {
      return; // without schemas there is nothing to mismatch
    }
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    String int32 = "{\"type\":\"int32\",\"optional\":false}";
    String row =
        "{\"type\":\"struct\",\"optional\":false,\"fields\":["
            + "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
            + "{\"type\":\"array\",\"optional\":true,\"field\":\"tags\","
            + "\"items\":{\"type\":\"int8\",\"optional\":false}},"
            + "{\"type\":\"map\",\"optional\":true,\"field\":\"m\","
            + "\"keys\":{\"type\":\"int32\",\"optional\":false},"
            + "\"values\":{\"type\":\"string\",\"optional\":true}},"
            + "{\"type\":\"bytes\",\"optional\":true,\"field\":\"b\"}]}";
    String envelopeOfRow =
        "{\"type\":\"struct\",\"optional\":false,\"fields\":["
            + row.replace(
                "\"optional\":false,\"fields\"", "\"optional\":true,\"field\":\"after\",\"fields\"")
            + "]}";
    pair.assertRefused(envelope(int32, "\"5\""), "", "expected int32, found a string");
    pair.assertRefused(envelope(int32, "5.5"), "", "found a number with a fraction");
    pair.assertRefused(envelope(int32, "5000000000"), "", "found an integer out of range");
    pair.assertRefused(envelope(int32, "5e10"), "", "found a number out of range");
    pair.assertRefused(envelope(int32, "null"), "", "expected a required int32, found null");
    pair.assertRefused(envelope(int32, "true"), "", "found a boolean");
    pair.assertRefused(
        envelope("{\"type\":\"int8\",\"optional\":false}", "200"), "", "expected int8");
    pair.assertRefused(
        envelope("{\"type\":\"int64\",\"optional\":true}", "12345678901234567890"),
        "",
        "expected int64, found an integer out of range");
    pair.assertRefused(
        envelope("{\"type\":\"boolean\",\"optional\":false}", "1"),
        "",
        "expected boolean, found an integer");
    pair.assertRefused(
        envelope("{\"type\":\"string\",\"optional\":true}", "1"),
        "",
        "expected string, found an integer");
    pair.assertRefused(
        envelope("{\"type\":\"double\",\"optional\":false}", "\"1.5\""),
        "",
        "expected float64, found a string");
    pair.assertRefused(
        envelope("{\"type\":\"bytes\",\"optional\":false}", "\"not base64!\""), "", "not base64");
    pair.assertRefused(
        envelope(
            "{\"type\":\"int64\",\"optional\":false,"
                + "\"name\":\"org.apache.kafka.connect.data.Timestamp\"}",
            "1.5"),
        "",
        "expected int64 (org.apache.kafka.connect.data.Timestamp), found a number");
    pair.assertRefused(envelope(row, "[]"), "", "expected struct, found an array");
    pair.assertRefused(
        envelope(
            "{\"type\":\"int32\",\"optional\":false,"
                + "\"name\":\"org.apache.kafka.connect.data.Date\"}",
            "5000000000"),
        "",
        "expected int32 (org.apache.kafka.connect.data.Date), found an integer out of range");
    pair.assertRefused(envelope(row, "{\"id\":\"7\"}"), "id", "found a string");
    pair.assertRefused(envelope(row, "{}"), "id", "found no value (the field is missing)");
    pair.assertRefused(
        envelope(row, "{\"id\":1,\"tags\":{\"a\":1}}"), "tags", "expected array, found an object");
    pair.assertRefused(
        envelope(row, "{\"id\":1,\"tags\":[1,2,\"x\"]}"), "tags[2]", "found a string");
    pair.assertRefused(
        envelope(row, "{\"id\":1,\"m\":[[1,\"a\"],[2,\"b\",3]]}"), "m[1]", "a longer array");
    pair.assertRefused(
        envelope(row, "{\"id\":1,\"m\":[[1,\"a\"],[\"2\",\"b\"]]}"), "m[1]", "found a string");
    pair.assertRefused(envelope(row, "{\"id\":1,\"b\":5}"), "b", "expected bytes");
    pair.assertRefused(
        envelope(envelopeOfRow, "{\"after\":{\"id\":\"x\"}}"), "after.id", "found a string");
    pair.assertRefused(
        envelope(envelopeOfRow, "{\"after\":{\"id\":1,\"tags\":[true]}}"),
        "after.tags[0]",
        "expected int8, found a boolean");
    // The first of two same-named fields is read too (Kafka keeps the last one only).
    pair.assertRefused(envelope(row, "{\"id\":\"x\",\"id\":1}"), "id", "found a string");
    // Layouts the fast path leaves to Kafka's converter are refused all the same.
    pair.assertRefused("{\"payload\":\"5\",\"schema\":" + int32 + "}", "", "found a string");
    // The message names types, never the value: a value may be a secret.
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                pair.ours.toConnectData(
                    TOPIC, envelope(row, "{\"id\":\"s3cret\"}").getBytes(StandardCharsets.UTF_8)));
    assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void nonFiniteValuesReadBackAsThemselves() {
    // Kafka's converter writes NaN and the infinities as the strings Jackson writes for them and
    // reads them back as 0; ours reads them back as written.
    Pair pair = Pair.of(config(true, "BASE64", true), false);
    Schema schema = SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build();
    List<Double> values =
        List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5);
    byte[] bytes = pair.assertSameWrite(schema, values);
    assertTrue(
        new String(bytes, StandardCharsets.UTF_8)
            .endsWith("[\"NaN\",\"Infinity\",\"-Infinity\",1.5]}"));
    assertEquals(values, pair.ours.toConnectData(TOPIC, bytes).value());
    assertEquals(List.of(0.0, 0.0, 0.0, 1.5), pair.kafka.toConnectData(TOPIC, bytes).value());
    Schema floats = SchemaBuilder.array(Schema.FLOAT32_SCHEMA).build();
    List<Float> floatValues = List.of(Float.NaN, Float.NEGATIVE_INFINITY);
    assertEquals(
        floatValues,
        pair.ours.toConnectData(TOPIC, pair.assertSameWrite(floats, floatValues)).value());
  }

  @Test
  void keysOfOneWholeNumberReadAsKafkaReadsThem() {
    for (String type : List.of("int64", "int32")) {
      Pair pair = Pair.of(config(true, "BASE64", false), true);
      String schema =
          "{\"type\":\"struct\",\"fields\":[{\"type\":\""
              + type
              + "\",\"optional\":false,\"field\":\"id\"}],\"optional\":false,\"name\":\"k\"}";
      List<String> payloads =
          List.of(
              "{\"id\":7}", // the first reads the schema; the next ones take the fast path
              "{\"id\":0}",
              "{\"id\":-5}",
              "{\"id\":2147483647}",
              "{\"id\":-2147483648}",
              "{\"id\":123456789012345678}",
              "{\"id\":9223372036854775807}",
              "{\"id\":-0}",
              "{\"id\":007}",
              "{\"id\": 1}",
              "{\"id\":1.0}",
              "{\"id\":1,\"other\":2}",
              "{\"other\":2,\"id\":1}",
              "{\"id\":}",
              "{\"id\":12a}",
              "{\"i\\u0064\":3}");
      for (String payload : payloads) {
        if (type.equals("int32") && payload.matches(".*\\d{10,}.*")) {
          continue; // out of int32's range: Kafka truncates, ours refuses (see ValueReader)
        }
        pair.assertSameRead(envelope(schema, payload).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static String envelope(String schema, String payload) {
    return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void valuesThatDoNotMatchTheirSchemaThrowTheSameDataException(
      boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    Schema struct =
        SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("n", SchemaBuilder.int32().defaultValue(3).build())
            .build();
    Schema other = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
    Object[][] cases = {
      {Schema.STRING_SCHEMA, 5},
      {Schema.INT32_SCHEMA, "5"},
      {Schema.INT32_SCHEMA, 5L},
      {Schema.INT64_SCHEMA, 5},
      {Schema.FLOAT32_SCHEMA, 1.0},
      {Schema.BOOLEAN_SCHEMA, "true"},
      {Schema.BYTES_SCHEMA, "AQID"},
      {Schema.INT32_SCHEMA, null},
      {SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Map.of()},
      {SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, "2")},
      {SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), List.of()},
      {SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), Map.of(1, 1)},
      {SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(), Map.of("1", 1)},
      {struct, new Struct(other).put("id", 1L)},
      {struct, new Struct(struct)},
      {struct, Map.of("id", 1L)},
      {Decimal.schema(2), 1.23},
      {Date.SCHEMA, new java.util.Date(1)},
      {Date.SCHEMA, 19000},
      {Timestamp.SCHEMA, 1700000000000L},
      {null, new Object()},
      {null, new Struct(other).put("id", 1L)},
      {null, List.of(new Object())},
      {null, Map.of("a", new Object())},
    };
    for (Object[] c : cases) {
      Schema schema = (Schema) c[0];
      Object value = c[1];
      Supplier<String> what = () -> "schema " + schema + ", value " + value;
      DataException expected =
          assertThrows(
              DataException.class, () -> pair.kafka.fromConnectData(TOPIC, schema, value), what);
      DataException actual =
          assertThrows(
              DataException.class, () -> pair.ours.fromConnectData(TOPIC, schema, value), what);
      assertEquals(expected.getMessage(), actual.getMessage(), what);
    }
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void decimalOfAnotherScaleIsRefusedOnlyInBase64AsKafkaDoes(
      boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    byte[] bytes = pair.assertSameWrite(Decimal.schema(2), new BigDecimal("1.234"));
    assertEquals(decimals.equals("BASE64"), bytes == null);
    pair.assertSameRead(bytes);
  }

  @Test
  void requiredFieldWithDefaultLeftUnsetFollowsReplaceNullWithDefault() {
    Schema schema =
        SchemaBuilder.struct()
            .field("n", SchemaBuilder.int32().defaultValue(3).build())
            .field("o", SchemaBuilder.int32().optional().defaultValue(4).build())
            .build();
    Struct value = new Struct(schema);
    for (boolean replace : new boolean[] {true, false}) {
      Pair pair = Pair.of(config(true, "BASE64", replace), false);
      pair.assertSameRead(pair.assertSameWrite(schema, value));
      Struct withN = new Struct(schema).put("n", 1);
      byte[] bytes = pair.assertSameWrite(schema, withN);
      assertTrue(
          new String(bytes, StandardCharsets.UTF_8)
              .endsWith(
                  replace
                      ? "\"payload\":{\"n\":1,\"o\":4}}"
                      : "\"payload\":{\"n\":1,\"o\":null}}"));
      pair.assertSameRead(bytes);
    }
  }

  @ParameterizedTest(name = SETTINGS)
  @MethodSource("settings")
  void sourceEnvelopesAndSinkMapsConvertWithoutFallingBack(
      boolean schemas, String decimals, boolean replace) {
    Pair pair = Pair.of(config(schemas, decimals, replace), false);
    Schema envelope = JsonConverterBenchmark.envelopeSchema();
    Random random = new Random(3);
    for (int i = 0; i < 100; i++) {
      pair.assertSameRead(
          pair.assertSameWrite(envelope, JsonConverterBenchmark.event(envelope, i, random)));
      pair.assertSameRead(pair.assertSameWrite(null, JsonConverterBenchmark.eventMap(i, random)));
    }
    assertEquals(0, pair.ours.fallbackWrites());
    assertEquals(0, pair.ours.fallbackReads());
  }

  @Test
  void floatingPointTextReadsAsKafkaReadsIt() {
    // Kafka reads a floating-point token as a BigDecimal and takes its doubleValue(); ours
    // parses the double directly when it is not zero. Compare on awkward texts.
    Pair schemaless = Pair.of(config(false, "BASE64", true), false);
    Pair withSchemas = Pair.of(config(true, "BASE64", true), false);
    String doubles = "{\"type\":\"array\",\"items\":{\"type\":\"double\",\"optional\":false}}";
    String floats = "{\"type\":\"array\",\"items\":{\"type\":\"float\",\"optional\":false}}";
    Random random = new Random(11);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "-0.0",
                "0.0",
                "-0e5",
                "0e-400",
                "1e-400",
                "-1e-400",
                "4.9e-324",
                "2.4e-324",
                "2.5e-324",
                "1.7976931348623157e308",
                "1.7976931348623159e308",
                "1e309",
                "-1e309",
                "0.1",
                "0.30000000000000004441",
                "9007199254740993.0",
                "123456789012345678901234567890.5",
                "1.00000000000000011102230246251565404236316680908203125"));
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }
      switch (i % 4) {
        case 0:
          texts.add(Double.toString(d));
          break;
        case 1:
          texts.add(floating(new BigDecimal(d).toString())); // the exact binary value
          break;
        case 2:
          texts.add(
              floating(
                  new BigDecimal(d)
                      .round(new java.math.MathContext(1 + random.nextInt(25)))
                      .toString()));
          break;
        default:
          texts.add(
              (random.nextBoolean() ? "-" : "")
                  + random.nextInt(1000)
                  + "."
                  + Long.toString(Math.abs(random.nextLong()))
                  + "e"
                  + (random.nextInt(640) - 330));
      }
    }
    for (int from = 0; from < texts.size(); from += 100) {
      String array =
          "[" + String.join(",", texts.subList(from, Math.min(texts.size(), from + 100))) + "]";
      for (String text : array.substring(1, array.length() - 1).split(",")) {
        assertTrue(text.contains(".") || text.contains("e") || text.contains("E"), text);
      }
      schemaless.assertSameRead(array.getBytes(StandardCharsets.UTF_8));
      withSchemas.assertSameRead(envelope(doubles, array).getBytes(StandardCharsets.UTF_8));
      withSchemas.assertSameRead(envelope(floats, array).getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(0, schemaless.ours.fallbackReads());
    assertEquals(0, withSchemas.ours.fallbackReads());
  }

  /** The text as a floating-point token (an integral text is an integer token). */
  private static String floating(String text) {
    return text.contains(".") || text.contains("E") ? text : text + "e0";
  }

  @Test
  void aValueRefusedHalfwayLeavesTheNextOneIntact() {
    // The generator is kept per thread between values: one left inside a map must not be reused.
    Pair pair = Pair.of(config(true, "BASE64", true), false);
    Schema schema = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
    Map<String, Object> bad = new java.util.LinkedHashMap<>();
    bad.put("x", 1);
    bad.put("y", "not a number");
    assertThrows(DataException.class, () -> pair.ours.fromConnectData(TOPIC, schema, bad));
    for (int i = 0; i < 3; i++) {
      pair.assertSameWrite(schema, Map.of("x", i));
    }
    assertThrows(DataException.class, () -> pair.ours.fromConnectData(TOPIC, schema, bad));
    pair.assertSameWrite(Schema.STRING_SCHEMA, "after");
  }

  @Test
  void byteBufferWritesItsWholeBackingArrayAsKafkaDoes() {
    Pair pair = Pair.of(config(true, "BASE64", true), false);
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    buffer.position(2);
    pair.assertSameWrite(Schema.BYTES_SCHEMA, buffer);
    pair.assertSameWrite(null, buffer);
  }

  @Test
  void headersConvertAsValues() {
    Map<String, Object> config = config(true, "NUMERIC", true);
    config.put("converter.type", "header");
    org.apache.kafka.connect.json.JsonConverter kafka =
        new org.apache.kafka.connect.json.JsonConverter();
    kafka.configure(config);
    JsonConverter ours = new JsonConverter();
    ours.configure(config);
    Schema schema = Decimal.schema(3);
    BigDecimal value = new BigDecimal("-12.345");
    byte[] bytes = kafka.fromConnectHeader(TOPIC, "h", schema, value);
    assertArrayEquals(bytes, ours.fromConnectHeader(TOPIC, "h", schema, value));
    assertEquals(kafka.toConnectHeader(TOPIC, "h", bytes), ours.toConnectHeader(TOPIC, "h", bytes));
  }

  @Test
  void nullSchemaAndValueIsATombstone() {
    Pair pair = Pair.of(config(true, "BASE64", true), false);
    assertNull(pair.ours.fromConnectData(TOPIC, null, null));
    assertEquals(SchemaAndValue.NULL, pair.ours.toConnectData(TOPIC, null));
  }

  @Test
  void schemaContentSettingReadsAsKafkaDoes() {
    Map<String, Object> config = config(true, "BASE64", true);
    config.put("schema.content", "{\"type\":\"int32\",\"optional\":false}");
    Pair pair = Pair.of(config, false);
    pair.assertSameRead("5".getBytes(StandardCharsets.UTF_8));
    pair.assertSameRead("{\"schema\":null,\"payload\":5}".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, pair.ours.fallbackReads()); // both read by Kafka's converter
  }

  @Test
  void acceptsTheSameSettingsAsKafka() {
    JsonConverter ours = new JsonConverter();
    assertEquals(
        new org.apache.kafka.connect.json.JsonConverter().config().names(), ours.config().names());
    // converter.type is required when configure(Map) is used, as for Kafka's converter.
    assertThrows(ConfigException.class, () -> ours.configure(Map.of()));
    assertThrows(
        ConfigException.class,
        () -> ours.configure(Map.of("decimal.format", "HEX", "converter.type", "value")));
    assertTrue(!ours.version().isEmpty());
  }

  @Test
  void schemaCacheSizeOneStillConvertsManySchemas() {
    Map<String, Object> config = config(true, "BASE64", true);
    config.put("schemas.cache.size", "1");
    Pair pair = Pair.of(config, false);
    RandomConnectData data = new RandomConnectData(99L);
    for (int i = 0; i < 100; i++) {
      Schema schema = data.schema(0);
      pair.assertSameRead(pair.assertSameWrite(schema, data.value(schema, false)));
    }
  }

  @Test
  void isRegisteredForPluginDiscovery() {
    assertTrue(
        ServiceLoader.load(Converter.class).stream()
            .anyMatch(p -> p.type() == JsonConverter.class));
    assertTrue(
        ServiceLoader.load(HeaderConverter.class).stream()
            .anyMatch(p -> p.type() == JsonConverter.class));
  }
}
