package io.pgcdc.connector.sink.encode;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Reads ISO 8601 dates and times with an offset ({@code io.debezium.time.ZonedTimestamp} values) as
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} does, several times faster for the form every
 * writer uses: {@code YYYY-MM-DDTHH:MM:SS}, a fraction of 1 to 9 digits or none, then {@code Z} or
 * {@code ±HH:MM} or {@code ±HH:MM:SS}. Any other text (signed or longer years, no seconds, lower
 * case letters) goes to the formatter, so both accept and refuse the same texts with the same
 * results. The formatter was a third of the sink writer thread's CPU for records with one such
 * column (docs/performance.md).
 */
final class IsoOffsetDateTimes {
  private IsoOffsetDateTimes() {}

  /**
   * The date and time; throws {@link java.time.format.DateTimeParseException} (or the {@link
   * DateTimeException} of an invalid field) where the formatter would.
   */
  static OffsetDateTime parse(String text) {
    OffsetDateTime fast = fast(text);
    return fast != null ? fast : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** The value when the text has the common form and valid fields, else null. */
  private static OffsetDateTime fast(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    if (i >= n) {
      return null;
    }
    ZoneOffset offset;
    char sign = s.charAt(i);
    if (sign == 'Z' && i + 1 == n) {
      offset = ZoneOffset.UTC;
    } else if ((sign == '+' || sign == '-') && (n - i == 6 || n - i == 9)) {
      int oh = digits(s, i + 1, 2);
      int om = s.charAt(i + 3) == ':' ? digits(s, i + 4, 2) : -1;
      int os = 0;
      if (n - i == 9) {
        os = s.charAt(i + 6) == ':' ? digits(s, i + 7, 2) : -1;
      }
      if ((oh | om | os) < 0) {
        return null;
      }
      try {
        offset =
            sign == '+'
                ? ZoneOffset.ofHoursMinutesSeconds(oh, om, os)
                : ZoneOffset.ofHoursMinutesSeconds(-oh, -om, -os);
      } catch (DateTimeException e) {
        return null; // out of range: the formatter says so in its own words
      }
    } else {
      return null;
    }
    try {
      return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
    } catch (DateTimeException e) {
      return null; // February 30 and the like: the formatter refuses it in its own words
    }
  }

  /** The number written by {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
