package io.pgcdc.connector.sink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/** Each typed value of the source's record format, written back as the column's exact text. */
class ConnectValuesTest {
  private static final Schema DATE = named(Schema.INT32_SCHEMA, "io.debezium.time.Date");
  private static final Schema TIME = named(Schema.INT32_SCHEMA, "io.debezium.time.Time");
  private static final Schema MICRO_TIME = named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime");
  private static final Schema NANO_TIME = named(Schema.INT64_SCHEMA, "io.debezium.time.NanoTime");
  private static final Schema TIMESTAMP = named(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp");
  private static final Schema MICRO_TIMESTAMP =
      named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp");
  private static final Schema NANO_TIMESTAMP =
      named(Schema.INT64_SCHEMA, "io.debezium.time.NanoTimestamp");
  private static final Schema ZONED_TIMESTAMP =
      named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp");
  private static final Schema ZONED_TIME =
      named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTime");
  private static final Schema INTERVAL = named(Schema.STRING_SCHEMA, "io.debezium.time.Interval");
  private static final Schema MICRO_DURATION =
      named(Schema.INT64_SCHEMA, "io.debezium.time.MicroDuration");
  private static final Schema ENUM = named(Schema.STRING_SCHEMA, "io.debezium.data.Enum");
  private static final Schema VARIABLE_SCALE =
      SchemaBuilder.struct()
          .name("io.debezium.data.VariableScaleDecimal")
          .field("scale", Schema.INT32_SCHEMA)
          .field("value", Schema.BYTES_SCHEMA)
          .optional()
          .build();

  private static Schema named(Schema base, String name) {
    return new SchemaBuilder(base.type()).name(name).optional().build();
  }

  private static String text(Object value, Schema schema) {
    return PgText.render(value, schema, PgText.Target.OTHER);
  }

  private static long epochDay(int year, int month, int day) {
    return LocalDate.of(year, month, day).toEpochDay();
  }

  private static long epochSecond(int year, int month, int day, int hour) {
    return LocalDateTime.of(year, month, day, hour, 0).toEpochSecond(ZoneOffset.UTC);
  }

  @Test
  void decimalKeepsItsScale() {
    assertThat(text(new BigDecimal("12.50"), Decimal.schema(2))).isEqualTo("12.50");
    assertThat(text(new BigDecimal("0.000"), Decimal.schema(3))).isEqualTo("0.000");
    assertThat(text(new BigDecimal("1E+3"), Decimal.schema(-3))).isEqualTo("1000");
    assertThat(text(new BigDecimal("-123456789012345678901234567890.123456789"), Decimal.schema(9)))
        .isEqualTo("-123456789012345678901234567890.123456789");
  }

  @Test
  void variableScaleDecimalIsItsUnscaledValueAtItsScale() {
    Struct bytes =
        new Struct(VARIABLE_SCALE)
            .put("scale", 3)
            .put("value", BigInteger.valueOf(-12_345).toByteArray());
    Struct buffer =
        new Struct(VARIABLE_SCALE)
            .put("scale", 2)
            .put("value", ByteBuffer.wrap(BigInteger.valueOf(100).toByteArray()));

    assertThat(text(bytes, VARIABLE_SCALE)).isEqualTo("-12.345");
    assertThat(text(buffer, VARIABLE_SCALE)).isEqualTo("1.00");
  }

  @Test
  void dateOfDaysSinceEpochWritesBcAndFiveDigitYears() {
    assertThat(text((int) epochDay(2024, 2, 29), DATE)).isEqualTo("2024-02-29");
    assertThat(text((int) epochDay(-43, 3, 15), DATE)).isEqualTo("0044-03-15 BC");
    assertThat(text((int) epochDay(0, 1, 1), DATE)).isEqualTo("0001-01-01 BC");
    assertThat(text((int) epochDay(10_000, 1, 1), DATE)).isEqualTo("10000-01-01");
  }

  @Test
  void timesOfDayInEachUnitWriteTheEndOfTheDayAs24() {
    assertThat(text(45_296_789, TIME)).isEqualTo("12:34:56.789");
    assertThat(text(86_400_000, TIME)).isEqualTo("24:00:00");
    assertThat(text(1L, MICRO_TIME)).isEqualTo("00:00:00.000001");
    assertThat(text(86_400_000_000L, MICRO_TIME)).isEqualTo("24:00:00");
    assertThat(text(86_399_999_999L, MICRO_TIME)).isEqualTo("23:59:59.999999");
    assertThat(text(86_400_000_000_000L, NANO_TIME)).isEqualTo("24:00:00");
    assertThat(text(1_000L, NANO_TIME)).isEqualTo("00:00:00.000001");
  }

  @Test
  void aTimeOutsideTheDayIsABadRecordNamingTheValue() {
    assertThatThrownBy(() -> text(86_400_000_001L, MICRO_TIME))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("io.debezium.time.MicroTime value 86400000001")
        .hasMessageContaining("0 to 86400000000");
    assertThatThrownBy(() -> text(-1, TIME)).isInstanceOf(BadRecordException.class);
  }

  @Test
  void timestampsWithoutZoneInEachUnitWriteBcAndFiveDigitYears() {
    assertThat(text(-1L, MICRO_TIMESTAMP)).isEqualTo("1969-12-31 23:59:59.999999");
    assertThat(text(1_500L, TIMESTAMP)).isEqualTo("1970-01-01 00:00:01.5");
    assertThat(text(1L, NANO_TIMESTAMP)).isEqualTo("1970-01-01 00:00:00.000000001");
    assertThat(text(epochSecond(-43, 3, 15, 12) * 1_000_000L, MICRO_TIMESTAMP))
        .isEqualTo("0044-03-15 12:00:00 BC");
    assertThat(text(epochSecond(10_000, 1, 1, 0) * 1_000L, TIMESTAMP))
        .isEqualTo("10000-01-01 00:00:00");
  }

  @Test
  void zonedTimestampIsReadAsIsoWithSignedYears() {
    assertThat(text("2024-02-29T21:59:59.999999Z", ZONED_TIMESTAMP))
        .isEqualTo("2024-02-29 21:59:59.999999+00:00");
    assertThat(text("-0043-03-15T12:00:00Z", ZONED_TIMESTAMP))
        .isEqualTo("0044-03-15 12:00:00+00:00 BC");
    assertThat(text("+10000-01-01T00:00:00Z", ZONED_TIMESTAMP))
        .isEqualTo("10000-01-01 00:00:00+00:00");
    assertThat(text("2024-01-01T08:00:00+05:30", ZONED_TIMESTAMP))
        .isEqualTo("2024-01-01 08:00:00+05:30");
    assertThat(text("infinity", ZONED_TIMESTAMP)).isEqualTo("infinity");
    assertThat(text("-infinity", ZONED_TIMESTAMP)).isEqualTo("-infinity");
  }

  @Test
  void aZonedTimestampThatIsNotIsoIsABadRecordNamingTheValue() {
    assertThatThrownBy(() -> text("2024-01-01 00:00:00+00", ZONED_TIMESTAMP))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("io.debezium.time.ZonedTimestamp value '2024-01-01 00:00:00+00'")
        .hasMessageContaining("ISO 8601");
    // A five-digit year without its sign is not ISO 8601.
    assertThatThrownBy(() -> text("10000-01-01T00:00:00Z", ZONED_TIMESTAMP))
        .isInstanceOf(BadRecordException.class);
  }

  @Test
  void zonedTimeKeepsItsOwnOffsetInclSecondsAnd24() {
    assertThat(text("10:15:30.5+05:30", ZONED_TIME)).isEqualTo("10:15:30.5+05:30");
    assertThat(text("23:00:00.000001-08:00:30", ZONED_TIME)).isEqualTo("23:00:00.000001-08:00:30");
    assertThat(text("10:15:30Z", ZONED_TIME)).isEqualTo("10:15:30+00:00");
    assertThat(text("24:00:00+01:00", ZONED_TIME)).isEqualTo("24:00:00+01:00");
  }

  @Test
  void aZonedTimeAfter24OrWithoutOffsetIsABadRecord() {
    assertThatThrownBy(() -> text("24:00:01+00:00", ZONED_TIME))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("'24:00:01+00:00'");
    assertThatThrownBy(() -> text("10:15:30", ZONED_TIME))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("io.debezium.time.ZonedTime value '10:15:30'");
  }

  @Test
  void intervalKeepsMonthsDaysAndTimeApartWithTheirOwnSigns() {
    assertThat(text("P1Y2M3DT4H5M6.789012S", INTERVAL)).isEqualTo("14 mons 3 days 04:05:06.789012");
    assertThat(text("P-1M30DT-0.000001S", INTERVAL)).isEqualTo("-1 mons +30 days -00:00:00.000001");
    assertThat(text("PT0S", INTERVAL)).isEqualTo("00:00:00");
    assertThat(text("PT-1H-30M", INTERVAL)).isEqualTo("-01:30:00");
    assertThat(text("P-2Y", INTERVAL)).isEqualTo("-24 mons");
    assertThat(text("PT100H", INTERVAL)).isEqualTo("100:00:00");
  }

  @Test
  void intervalInDebeziumsFormWithEveryPartIsReadToo() {
    assertThat(text("P0Y0M0DT0H0M0S", INTERVAL)).isEqualTo("00:00:00");
    assertThat(text("P-1Y-2M3DT-4H-5M-6.5S", INTERVAL)).isEqualTo("-14 mons +3 days -04:05:06.5");
  }

  @Test
  void anIntervalThatIsNotIsoIsABadRecordNamingTheValue() {
    for (String bad : List.of("1 year", "P", "P1X", "P1Y2", "PT1.5", "")) {
      assertThatThrownBy(() -> text(bad, INTERVAL))
          .as(bad)
          .isInstanceOf(BadRecordException.class)
          .hasMessageContaining("io.debezium.time.Interval value '" + bad + "'")
          .hasMessageContaining("ISO 8601 interval");
    }
  }

  @Test
  void microDurationIsAnIntervalOfItsMicroseconds() {
    assertThat(text(90_061_000_001L, MICRO_DURATION)).isEqualTo("25:01:01.000001");
    assertThat(text(-1L, MICRO_DURATION)).isEqualTo("-00:00:00.000001");
    assertThat(text(0L, MICRO_DURATION)).isEqualTo("00:00:00");
  }

  @Test
  void connectDateTimeAndTimestampAreUtcAndWriteBc() {
    java.util.Date bc = new java.util.Date(epochDay(-43, 3, 15) * 86_400_000L);
    assertThat(text(bc, Date.SCHEMA)).isEqualTo("0044-03-15 BC");
    assertThat(text(new java.util.Date(3_723_004L), Time.SCHEMA)).isEqualTo("01:02:03.004");
    assertThat(text(new java.util.Date(86_400_000L), Time.SCHEMA)).isEqualTo("24:00:00");
    assertThat(text(new java.util.Date(1_500L), Timestamp.SCHEMA))
        .isEqualTo("1970-01-01 00:00:01.5+00:00");
    assertThat(text(new java.util.Date(epochSecond(-43, 3, 15, 12) * 1_000L), Timestamp.SCHEMA))
        .isEqualTo("0044-03-15 12:00:00+00:00 BC");
    assertThat(text(new java.util.Date(1_500L), null)).isEqualTo("1970-01-01 00:00:01.5+00:00");
  }

  @Test
  void enumLabelsAndOtherSemanticStringsPassAsTheirText() {
    assertThat(text("very sad", ENUM)).isEqualTo("very sad");
    assertThat(text("<a/>", named(Schema.STRING_SCHEMA, "io.debezium.data.Xml"))).isEqualTo("<a/>");
  }

  @Test
  void arraysOfTypedElementsAreArrayLiteralsOfTheElementsText() {
    Schema zoned = SchemaBuilder.array(ZONED_TIMESTAMP).build();
    Schema decimals = SchemaBuilder.array(Decimal.builder(2).optional().build()).build();
    Schema enums = SchemaBuilder.array(ENUM).build();
    Schema dates = SchemaBuilder.array(DATE).build();

    assertThat(
            PgText.render(
                Arrays.asList("2024-01-01T00:00:00Z", null, "-0043-03-15T12:00:00Z"),
                zoned,
                PgText.Target.ARRAY))
        .isEqualTo("{\"2024-01-01 00:00:00+00:00\",NULL,\"0044-03-15 12:00:00+00:00 BC\"}");
    assertThat(
            PgText.render(
                List.of(new BigDecimal("1.50"), new BigDecimal("-0.10")),
                decimals,
                PgText.Target.ARRAY))
        .isEqualTo("{1.50,-0.10}");
    assertThat(PgText.render(List.of("happy", "very \"sad\""), enums, PgText.Target.ARRAY))
        .isEqualTo("{happy,\"very \\\"sad\\\"\"}");
    assertThat(PgText.render(List.of((int) epochDay(-43, 3, 15)), dates, PgText.Target.ARRAY))
        .isEqualTo("{\"0044-03-15 BC\"}");
    assertThat(PgText.render(List.of(), zoned, PgText.Target.ARRAY)).isEqualTo("{}");
  }
}
