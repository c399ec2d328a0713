package io.pgcdc.connector.sink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path reads every text as java.time's ISO formatter does, and refuses the same. */
class IsoOffsetDateTimesTest {
  @Test
  void readsTheCommonFormsAsTheFormatterDoes() {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "2024-02-29T21:59:59.999999Z",
                "2024-01-01T08:00:00+05:30",
                "2024-01-01T08:00:00-08:00:30",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.123456789+18:00",
                "1970-01-01T00:00:00.1-18:00",
                "2024-06-30T12:34:56.000Z"));
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      texts.add(randomText(random));
    }
    readsAsTheFormatter(texts);
  }

  @Test
  void leavesOtherFormsToTheFormatter() {
    readsAsTheFormatter(
        List.of(
            "-0043-03-15T12:00:00Z",
            "+10000-01-01T00:00:00Z",
            "2024-01-01t08:00:00z",
            "2024-01-01T08:00+01:00",
            "2024-01-01T08:00:00.+01:00"));
  }

  private static void readsAsTheFormatter(List<String> texts) {
    for (String text : texts) {
      OffsetDateTime expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      assertThat(IsoOffsetDateTimes.parse(text)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void refusesWhatTheFormatterRefuses() {
    for (String text :
        List.of(
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T23:60:00Z",
            "2024-01-01T23:59:60Z",
            "2024-01-01T00:00:00+19:00",
            "2024-01-01T00:00:00+01:60",
            "2024-01-01T00:00:00.1234567891Z",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00+00",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00ZZ",
            "2024-01-0xT00:00:00Z",
            "")) {
      assertThatThrownBy(() -> OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> IsoOffsetDateTimes.parse(text))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  private static String randomText(Random r) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                r.nextInt(10_000),
                1 + r.nextInt(12),
                1 + r.nextInt(28),
                r.nextInt(24),
                r.nextInt(60),
                r.nextInt(60)));
    int fraction = r.nextInt(10);
    if (fraction > 0) {
      b.append('.');
      for (int i = 0; i < fraction; i++) {
        b.append((char) ('0' + r.nextInt(10)));
      }
    }
    switch (r.nextInt(3)) {
      case 0 -> b.append('Z');
      case 1 ->
          b.append(
              String.format(
                  "%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(18), r.nextInt(60)));
      default ->
          b.append(
              String.format(
                  "%s%02d:%02d:%02d",
                  r.nextBoolean() ? "+" : "-", r.nextInt(18), r.nextInt(60), r.nextInt(60)));
    }
    return b.toString();
  }
}
