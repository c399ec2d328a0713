package io.pgcdc.connector.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgcdc.connector.json.PreconvertedStruct.Preconverter;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PreconvertedStruct}: bytes converted ahead on another thread are the very bytes the
 * converter would write, and are used only when nothing could have changed them.
 */
class PreconvertedStructTest {
  private static final String TOPIC = "db.public.t";

  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("row")
          .optional()
          .field("id", Schema.INT64_SCHEMA)
          .field("name", Schema.OPTIONAL_STRING_SCHEMA)
          .field("amount", Decimal.builder(2).optional().build())
          .build();
  private static final Schema ENVELOPE =
      SchemaBuilder.struct()
          .name("envelope")
          .field("after", ROW)
          .field("op", Schema.STRING_SCHEMA)
          .build();

  private static JsonConverter converter(boolean schemas, String decimals) {
    JsonConverter c = new JsonConverter();
    c.configure(Map.of("schemas.enable", schemas, "decimal.format", decimals), false);
    return c;
  }

  private static Struct fill(Struct envelope, long id) {
    Struct row =
        new Struct(ROW)
            .put("id", id)
            .put("name", "row " + id)
            .put("amount", new BigDecimal("1.25"));
    return envelope.put("after", row).put("op", "r");
  }

  private static PreconvertedStruct ahead(Preconverter p, long id) {
    PreconvertedStruct s = new PreconvertedStruct(ENVELOPE, p);
    fill(s, id);
    return s;
  }

  /** Row {@code id}, converted ahead by {@code converter}, which has met one struct before. */
  private static PreconvertedStruct convertedAhead(JsonConverter converter, long id) {
    Preconverter p = new Preconverter();
    converter.fromConnectData(TOPIC, ENVELOPE, ahead(p, 0));
    PreconvertedStruct s = ahead(p, id);
    s.convertAhead(TOPIC);
    return s;
  }

  private static byte[] plain(JsonConverter c, long id) {
    return c.fromConnectData(TOPIC, ENVELOPE, fill(new Struct(ENVELOPE), id));
  }

  @ParameterizedTest(name = "schemas.enable={0}")
  @ValueSource(booleans = {true, false})
  void convertedOnAnotherThreadAsTheConverterWould(boolean schemas) throws Exception {
    JsonConverter converter = converter(schemas, "NUMERIC");
    Preconverter p = new Preconverter();
    // Nothing is converted ahead before the converter has met a struct of this preconverter.
    PreconvertedStruct first = ahead(p, 1);
    first.convertAhead(TOPIC);
    assertFalse(p.active());
    assertArrayEquals(plain(converter, 1), converter.fromConnectData(TOPIC, ENVELOPE, first));
    assertTrue(p.active());

    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      for (long id = 2; id < 200; id++) {
        long row = id;
        Future<PreconvertedStruct> built =
            reader.submit(
                () -> {
                  PreconvertedStruct s = ahead(p, row);
                  s.convertAhead(TOPIC);
                  return s;
                });
        PreconvertedStruct s = built.get();
        byte[] ahead = s.peekConverted();
        byte[] converted = converter.fromConnectData(TOPIC, ENVELOPE, s);
        assertArrayEquals(ahead, converted, "row " + row + ": the bytes converted ahead");
        assertArrayEquals(plain(converter, row), converted, "row " + row);
        // Let go only when handed over: the converter took the bytes made ahead.
        assertNull(s.peekConverted(), "handed over once, then let go");
        assertArrayEquals(converted, converter.fromConnectData(TOPIC, ENVELOPE, s));
      }
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void aPutAfterConvertingDropsTheBytes() {
    JsonConverter converter = converter(true, "BASE64");
    PreconvertedStruct s = convertedAhead(converter, 7);
    assertNotNull(s.peekConverted());
    s.put("op", "c");
    assertNull(s.peekConverted());
    Struct expected = fill(new Struct(ENVELOPE), 7).put("op", "c");
    assertArrayEquals(
        converter.fromConnectData(TOPIC, ENVELOPE, expected),
        converter.fromConnectData(TOPIC, ENVELOPE, s));
  }

  @Test
  void usedOnlyByTheConverterAndForTheTopicAndSchemaItWasMadeFor() {
    JsonConverter numeric = converter(false, "NUMERIC");
    JsonConverter base64 = converter(false, "BASE64");
    PreconvertedStruct s = convertedAhead(numeric, 3);
    byte[] ahead = s.peekConverted();
    // Another converter (other settings) converts itself, and gets its own bytes.
    assertArrayEquals(plain(base64, 3), base64.fromConnectData(TOPIC, ENVELOPE, s));
    // Another topic or another schema object (equal, not the same): converted again.
    assertNotSame(ahead, numeric.fromConnectData("other", ENVELOPE, s));
    Schema copy =
        SchemaBuilder.struct()
            .name("envelope")
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();
    byte[] again = numeric.fromConnectData(TOPIC, copy, s);
    assertNotSame(ahead, again);
    assertArrayEquals(ahead, again);
    // None of those took the bytes; the converter they were made for does.
    assertSame(ahead, numeric.fromConnectData(TOPIC, ENVELOPE, s));
  }

  @Test
  void aStructTheConverterRejectsFailsOnTheTaskThreadAsAPlainOneWould() {
    JsonConverter converter = converter(true, "BASE64");
    Preconverter p = new Preconverter();
    converter.fromConnectData(TOPIC, ENVELOPE, ahead(p, 1));
    PreconvertedStruct incomplete = new PreconvertedStruct(ENVELOPE, p); // "op" is required
    incomplete.convertAhead(TOPIC);
    assertThrows(DataException.class, () -> converter.fromConnectData(TOPIC, ENVELOPE, incomplete));
  }

  @Test
  void kafkasConverterSeesAPlainStructAndNothingIsConvertedAhead() {
    org.apache.kafka.connect.json.JsonConverter kafka =
        new org.apache.kafka.connect.json.JsonConverter();
    kafka.configure(Map.of("schemas.enable", true), false);
    Preconverter p = new Preconverter();
    PreconvertedStruct s = ahead(p, 5);
    byte[] bytes = kafka.fromConnectData(TOPIC, ENVELOPE, s);
    assertArrayEquals(kafka.fromConnectData(TOPIC, ENVELOPE, fill(new Struct(ENVELOPE), 5)), bytes);
    assertFalse(p.active());
  }
}
