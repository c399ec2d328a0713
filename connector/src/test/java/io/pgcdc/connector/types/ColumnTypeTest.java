package io.pgcdc.connector.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.types.ValueOptions.BinaryMode;
import io.pgcdc.connector.types.ValueOptions.DecimalMode;
import io.pgcdc.connector.types.ValueOptions.IntervalMode;
import io.pgcdc.connector.types.ValueOptions.TimePrecision;
import io.pgcdc.connector.types.ValueOptions.ValueMode;
import io.pgcdc.decoder.types.PgInterval;
import io.pgcdc.decoder.types.PgTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  private final TypeResolver typed = new TypeResolver(ValueOptions.defaults());

  private ColumnType typed(int oid, String format) {
    return typed.forBuiltIn(oid, format);
  }

  private static ColumnType with(ValueOptions o, int oid, String format) {
    return new TypeResolver(o).forBuiltIn(oid, format);
  }

  @Test
  void textModeTypesOnlyBooleansWholeNumbersAndBytes() {
    TypeResolver text = new TypeResolver(ValueOptions.text());
    assertThat(text.forBuiltIn(20, "bigint").value("-9223372036854775808"))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(text.forBuiltIn(16, "boolean").value("f")).isEqualTo(false);
    assertThat((byte[]) text.forBuiltIn(17, "bytea").value("\\xdeadbeef"))
        .containsExactly(0xde, 0xad, 0xbe, 0xef);
    ColumnType numeric = text.forBuiltIn(1700, "numeric(10,2)");
    assertThat(numeric.schema(true).type()).isEqualTo(Schema.Type.STRING);
    assertThat(numeric.schema(true).parameters()).containsEntry("pgcdc.type", "numeric(10,2)");
    assertThat(numeric.value("NaN")).isEqualTo("NaN");
    assertThat(text.forBuiltIn(700, "real").value("NaN")).isEqualTo("NaN");
  }

  @Test
  void badTextNamesTheTypeAndTheValue() {
    assertThatThrownBy(() -> typed(23, "integer").value("12a"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("integer value '12a' is not valid");
  }

  @Test
  void numbersAreTypedAndFloatsKeepTheirSpecialValues() {
    assertThat(typed(21, "smallint").value("-32768")).isEqualTo((short) -32768);
    assertThat(typed(26, "oid").value("4294967295")).isEqualTo(4294967295L);
    assertThat(typed(700, "real").value("0.1")).isEqualTo(0.1f);
    assertThat(typed(701, "double precision").value("-Infinity"))
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat((Double) typed(701, "double precision").value("NaN")).isNaN();
  }

  @Test
  void numericWithAScaleIsADecimalAndWithoutOneAVariableScaleStruct() {
    ColumnType fixed = typed(1700, "numeric(40,20)");
    Schema s = fixed.schema(true);
    assertThat(s.name()).isEqualTo(Decimal.LOGICAL_NAME);
    assertThat(s.parameters())
        .containsEntry("scale", "20")
        .containsEntry("connect.decimal.precision", "40");
    assertThat(fixed.value("1.50000000000000000000"))
        .isEqualTo(new BigDecimal("1.50000000000000000000"));

    ColumnType variable = typed(1700, "numeric");
    Struct v = (Struct) variable.value("12345678901234567890.000000000000000001");
    assertThat(v.schema().name()).isEqualTo("io.debezium.data.VariableScaleDecimal");
    assertThat(new BigDecimal(new BigInteger(v.getBytes("value")), v.getInt32("scale")))
        .isEqualTo(new BigDecimal("12345678901234567890.000000000000000001"));
    Struct key = (Struct) variable.forKey(v);
    assertThat(key.schema()).isSameAs(variable.schema(false));
    assertThat(key.getInt32("scale")).isEqualTo(18);
  }

  @Test
  void numericSpecialValuesAreExactTextInPreciseModeAndNativeInDoubleMode() {
    assertThat(typed(1700, "numeric").value("NaN")).isEqualTo(new ExactText("NaN"));
    assertThat(typed(1700, "numeric(10,2)").value("NaN")).isEqualTo(new ExactText("NaN"));
    assertThat(typed(1700, "numeric").value("-Infinity")).isEqualTo(new ExactText("-Infinity"));
    ValueOptions doubles =
        new ValueOptions(
            ValueMode.TYPED,
            DecimalMode.DOUBLE,
            TimePrecision.ADAPTIVE,
            IntervalMode.STRING,
            BinaryMode.BYTES,
            ValueOptions.HstoreMode.JSON);
    assertThat(with(doubles, 1700, "numeric").value("Infinity"))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(with(doubles, 1700, "numeric").value("0.25")).isEqualTo(0.25);
    ValueOptions strings =
        new ValueOptions(
            ValueMode.TYPED,
            DecimalMode.STRING,
            TimePrecision.ADAPTIVE,
            IntervalMode.STRING,
            BinaryMode.BYTES,
            ValueOptions.HstoreMode.JSON);
    assertThat(with(strings, 1700, "numeric").value("NaN")).isEqualTo("NaN");
  }

  @Test
  void datesAreEpochDaysWithBcAsProlepticYears() {
    ColumnType date = typed(1082, "date");
    assertThat(date.schema(true).name()).isEqualTo("io.debezium.time.Date");
    assertThat(date.value("1970-01-02")).isEqualTo(1);
    assertThat(date.value("0001-12-31 BC"))
        .isEqualTo((int) java.time.LocalDate.of(0, 12, 31).toEpochDay());
    assertThat(date.value("infinity")).isEqualTo(new ExactText("infinity"));
  }

  @Test
  void timesFollowTheirPrecisionAndMidnightAtTheEndOfTheDayIsADay() {
    assertThat(typed(1083, "time(3) without time zone").schema(true).name())
        .isEqualTo("io.debezium.time.Time");
    assertThat(typed(1083, "time(3) without time zone").value("12:34:56.789"))
        .isEqualTo(45_296_789);
    ColumnType micro = typed(1083, "time without time zone");
    assertThat(micro.schema(true).name()).isEqualTo("io.debezium.time.MicroTime");
    assertThat(micro.value("24:00:00")).isEqualTo(86_400_000_000L);
    assertThat(micro.value("23:59:59.999999")).isEqualTo(86_399_999_999L);
  }

  @Test
  void zonedTimesKeepTheirOffsetAndZonedTimestampsAreIsoInUtc() {
    ColumnType timetz = typed(1266, "time with time zone");
    assertThat(timetz.value("12:34:56.789+05:30")).isEqualTo("12:34:56.789+05:30");
    assertThat(timetz.value("23:59:59.999999-15:59")).isEqualTo("23:59:59.999999-15:59");
    assertThat(timetz.value("00:00:00+00")).isEqualTo("00:00:00+00:00");
    ColumnType tstz = typed(1184, "timestamp with time zone");
    assertThat(tstz.value("2024-02-29 23:59:59.999999+00"))
        .isEqualTo("2024-02-29T23:59:59.999999Z");
    assertThat(tstz.value("0044-03-15 12:00:00+00 BC")).isEqualTo("-0043-03-15T12:00:00Z");
    assertThat(tstz.value("infinity")).isEqualTo(new ExactText("infinity"));
  }

  @Test
  void timestampsAreMicrosOrMillisSinceTheEpoch() {
    ColumnType micro = typed(1114, "timestamp without time zone");
    assertThat(micro.schema(true).name()).isEqualTo("io.debezium.time.MicroTimestamp");
    assertThat(micro.value("1970-01-01 00:00:00.000001")).isEqualTo(1L);
    assertThat(micro.value("1969-12-31 23:59:59.999999")).isEqualTo(-1L);
    ColumnType milli = typed(1114, "timestamp(3) without time zone");
    assertThat(milli.schema(true).name()).isEqualTo("io.debezium.time.Timestamp");
    assertThat(milli.value("1969-12-31 23:59:59.999")).isEqualTo(-1L);
    assertThat(micro.value("-infinity")).isEqualTo(new ExactText("-infinity"));
  }

  @Test
  void connectTimePrecisionKeepsOnlyWholeMilliseconds() {
    ValueOptions connect =
        new ValueOptions(
            ValueMode.TYPED,
            DecimalMode.PRECISE,
            TimePrecision.CONNECT,
            IntervalMode.STRING,
            BinaryMode.BYTES,
            ValueOptions.HstoreMode.JSON);
    ColumnType ts = with(connect, 1114, "timestamp without time zone");
    assertThat(ts.value("1970-01-01 00:00:01")).isEqualTo(new java.util.Date(1000));
    assertThat(ts.value("1970-01-01 00:00:00.0001"))
        .isEqualTo(new ExactText("1970-01-01 00:00:00.0001"));
  }

  @Test
  void intervalsAreIso8601WithTheirPartsApart() {
    assertThat(TypedForms.iso8601(new PgInterval(14, 3, 14_706_789_012L)))
        .isEqualTo("P1Y2M3DT4H5M6.789012S");
    assertThat(TypedForms.iso8601(new PgInterval(-1, 30, -1))).isEqualTo("P-1M30DT-0.000001S");
    assertThat(TypedForms.iso8601(new PgInterval(0, 0, 0))).isEqualTo("PT0S");
    assertThat(typed(1186, "interval").value("1 year 2 mons 3 days 04:05:06.789012"))
        .isEqualTo("P1Y2M3DT4H5M6.789012S");
    ValueOptions numeric =
        new ValueOptions(
            ValueMode.TYPED,
            DecimalMode.PRECISE,
            TimePrecision.ADAPTIVE,
            IntervalMode.NUMERIC,
            BinaryMode.BYTES,
            ValueOptions.HstoreMode.JSON);
    assertThat(with(numeric, 1186, "interval").value("1 day 00:00:01")).isEqualTo(86_401_000_000L);
    assertThat(with(numeric, 1186, "interval").value("1 mon")).isEqualTo(new ExactText("1 mon"));
  }

  @Test
  void oneDimensionalArraysAreListsAndOthersExactText() {
    ColumnType ints = typed(1007, "integer[]");
    assertThat(ints.schema(true).valueSchema().type()).isEqualTo(Schema.Type.INT32);
    assertThat(ints.value("{1,NULL,3}")).isEqualTo(Arrays.asList(1, null, 3));
    assertThat(ints.value("{}")).isEqualTo(List.of());
    assertThat(ints.value("{{1,2},{3,4}}")).isEqualTo(new ExactText("{{1,2},{3,4}}"));
    assertThat(ints.value("[0:1]={1,2}")).isEqualTo(new ExactText("[0:1]={1,2}"));
    ColumnType tstz = typed(1185, "timestamp with time zone[]");
    assertThat(tstz.value("{\"2020-01-01 00:00:00+00\",NULL}"))
        .isEqualTo(Arrays.asList("2020-01-01T00:00:00Z", null));
    assertThat(tstz.value("{infinity}")).isEqualTo(new ExactText("{infinity}"));
    ColumnType inets = typed(1041, "inet[]");
    assertThat(inets.value("{192.168.0.1/24,::1}")).isEqualTo(List.of("192.168.0.1/24", "::1"));
  }

  @Test
  void textLikeTypesAreTheirTextWithTheSemanticNames() {
    assertThat(typed(3802, "jsonb").schema(true).name()).isEqualTo("io.debezium.data.Json");
    assertThat(typed(3802, "jsonb").value("{\"a\": 1}")).isEqualTo("{\"a\": 1}");
    assertThat(typed(2950, "uuid").schema(true).name()).isEqualTo("io.debezium.data.Uuid");
    assertThat(typed(1042, "character(5)").value("ab   ")).isEqualTo("ab   ");
    assertThat(typed(869, "inet").value("::1")).isEqualTo("::1");
    assertThat(typed(3904, "int4range").value("[1,10)")).isEqualTo("[1,10)");
  }

  @Test
  void moneyIsADecimalOrItsTextWhenTheServerPrintsItOtherwise() {
    assertThat(typed(790, "money").value("$1,000.00")).isEqualTo(new BigDecimal("1000.00"));
    assertThat(typed(790, "money").value("1.000,00 €")).isEqualTo(new ExactText("1.000,00 €"));
  }

  @Test
  void byteaCanBeAStringInBase64OrHex() {
    ValueOptions hex =
        new ValueOptions(
            ValueMode.TYPED,
            DecimalMode.PRECISE,
            TimePrecision.ADAPTIVE,
            IntervalMode.STRING,
            BinaryMode.HEX,
            ValueOptions.HstoreMode.JSON);
    assertThat(with(hex, 17, "bytea").value("\\x00ff")).isEqualTo("00ff");
    assertThat(typed(17, "bytea").schema(true).type()).isEqualTo(Schema.Type.BYTES);
  }

  @Test
  void hstoreIsAJsonObjectOrAMap() {
    PgTypes codecs = PgTypes.builtIn().registerHstore(16500);
    String text = "\"a\"=>\"1\", \"q\\\"\"=>NULL";
    ColumnType json =
        ColumnType.scalar("hstore", codecs, 16500, TypedForms.hstore(ValueOptions.HstoreMode.JSON));
    assertThat(json.schema(true).name()).isEqualTo("io.debezium.data.Json");
    assertThat(json.value(text)).isEqualTo("{\"a\":\"1\",\"q\\\"\":null}");
    ColumnType map =
        ColumnType.scalar("hstore", codecs, 16500, TypedForms.hstore(ValueOptions.HstoreMode.MAP));
    assertThat(map.schema(true).type()).isEqualTo(Schema.Type.MAP);
    java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("a", "1");
    expected.put("q\"", null);
    assertThat(map.value(text)).isEqualTo(expected);
  }

  @Test
  void theZonedTimestampShortcutGivesWhatTheCodecGives() {
    PgTypes codecs = PgTypes.builtIn();
    java.util.Random random = new java.util.Random(42);
    long min = java.time.LocalDate.of(1, 1, 1).toEpochDay() * 86_400L;
    long max = java.time.LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L;
    for (int i = 0; i < 20_000; i++) {
      long second = min + (long) (random.nextDouble() * (max - min));
      int micros =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000_000);
            case 2 -> random.nextInt(10) * 100_000;
            default -> 1;
          };
      java.time.OffsetDateTime t =
          java.time.OffsetDateTime.ofInstant(
              java.time.Instant.ofEpochSecond(second, micros * 1000L), java.time.ZoneOffset.UTC);
      // PostgreSQL prints the UTC offset as +00 (the codec writes +00:00, which it also reads).
      String text = codecs.encodeText(1184, t).replace("+00:00", "+00");
      Object slow = TypedForms.zonedTimestamp(codecs.decodeText(1184, text), null);
      assertThat(TypedForms.isoFromUtcText(text)).as(text).isEqualTo(slow);
    }
    assertThat(TypedForms.isoFromUtcText("0044-03-15 12:00:00+00 BC")).isNull();
    assertThat(TypedForms.isoFromUtcText("10000-01-01 00:00:00+00")).isNull();
    assertThat(TypedForms.isoFromUtcText("infinity")).isNull();
    assertThat(TypedForms.isoFromUtcText("2024-02-29 23:59:59.+00")).isNull();
  }
}
