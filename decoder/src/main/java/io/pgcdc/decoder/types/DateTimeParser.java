package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * The text forms of date, time, timetz, timestamp and timestamptz in DateStyle ISO, parsed by hand
 * into the Java forms {@link DateTimeCodecs} describes; and the cursor that {@link IntervalCodecs}
 * parses with too.
 */
final class DateTimeParser {
  private DateTimeParser() {}

  /**
   * A cursor over one text value, with the date and time fields. Every error names the type and
   * what was expected, and quotes the text.
   */
  static final class Cursor {
    final String type;
    final String t;
    final String expected;
    int i;

    Cursor(String type, String t, String expected) {
      this.type = type;
      this.t = t;
      this.expected = expected;
    }

    DecodeException bad() {
      return Codec.bad(type, expected, t);
    }

    boolean more() {
      return i < t.length();
    }

    char peek() {
      return i < t.length() ? t.charAt(i) : '\0';
    }

    void expect(char c) {
      if (i >= t.length() || t.charAt(i) != c) {
        throw bad();
      }
      i++;
    }

    void end() {
      if (i != t.length()) {
        throw bad();
      }
    }

    /** At least {@code min} digits (at most 18), as a number. */
    long digits(int min) {
      int start = i;
      long v = 0;
      while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        v = v * 10 + (t.charAt(i) - '0');
        i++;
        if (i - start > 18) {
          throw bad();
        }
      }
      if (i - start < min) {
        throw bad();
      }
      return v;
    }

    int exactDigits(int n) {
      int v = 0;
      for (int k = 0; k < n; k++) {
        char c = peek();
        if (c < '0' || c > '9') {
          throw bad();
        }
        v = v * 10 + (c - '0');
        i++;
      }
      return v;
    }

    /** An optional fraction after a dot, as nanoseconds. */
    int fractionNanos() {
      if (peek() != '.') {
        return 0;
      }
      i++;
      int start = i;
      int nanos = 0;
      while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        if (i - start < 9) {
          nanos = nanos * 10 + (t.charAt(i) - '0');
        }
        i++;
      }
      if (i == start) {
        throw bad();
      }
      for (int k = i - start; k < 9; k++) {
        nanos *= 10;
      }
      return nanos;
    }

    /**
     * The optional {@code :SS[.f]} after the minutes of a time, as nanoseconds (0 when absent); the
     * caller checks the range of the seconds.
     */
    long secondsAsNanos() {
      if (peek() != ':') {
        return 0;
      }
      i++;
      int seconds = exactDigits(2);
      return seconds * 1_000_000_000L + fractionNanos();
    }

    boolean rest(String s) {
      return t.regionMatches(i, s, 0, s.length()) && i + s.length() == t.length();
    }
  }

  /** {@code YYYY-MM-DD}, year of four or more digits; the caller handles " BC". */
  private static int[] date(Cursor c) {
    long year = c.digits(4);
    c.expect('-');
    int month = c.exactDigits(2);
    c.expect('-');
    int day = c.exactDigits(2);
    if (year > 999_999_999) {
      throw c.bad();
    }
    return new int[] {(int) year, month, day};
  }

  private static LocalDate localDate(Cursor c, int[] ymd, boolean bc) {
    try {
      return LocalDate.of(bc ? 1 - ymd[0] : ymd[0], ymd[1], ymd[2]);
    } catch (DateTimeException e) {
      throw c.bad();
    }
  }

  /** {@code HH:MM:SS[.f]}; 24:00:00 becomes LocalTime.MAX. */
  private static LocalTime time(Cursor c) {
    int h = c.exactDigits(2);
    c.expect(':');
    int m = c.exactDigits(2);
    long secondNanos = c.secondsAsNanos();
    int s = (int) (secondNanos / 1_000_000_000L);
    int nanos = (int) (secondNanos % 1_000_000_000L);
    if (h == 24 && m == 0 && s == 0 && nanos == 0) {
      return LocalTime.MAX;
    }
    if (h > 23 || m > 59 || s > 59) {
      throw c.bad();
    }
    return LocalTime.of(h, m, s, nanos);
  }

  /** {@code +HH[:MM[:SS]]} or {@code -HH...}. */
  private static ZoneOffset offset(Cursor c) {
    char sign = c.peek();
    if (sign != '+' && sign != '-') {
      throw c.bad();
    }
    c.i++;
    int h = c.exactDigits(2);
    int m = 0;
    int s = 0;
    if (c.peek() == ':') {
      c.i++;
      m = c.exactDigits(2);
      if (c.peek() == ':') {
        c.i++;
        s = c.exactDigits(2);
      }
    }
    int total = h * 3600 + m * 60 + s;
    if (m > 59 || s > 59 || total > 18 * 3600) {
      throw c.bad();
    }
    return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
  }

  private static boolean bc(Cursor c) {
    if (c.rest(" BC")) {
      c.i += 3;
      return true;
    }
    return false;
  }

  static Object parseDate(String t) {
    if (t.equals("infinity")) {
      return PgSpecial.INFINITY;
    }
    if (t.equals("-infinity")) {
      return PgSpecial.NEGATIVE_INFINITY;
    }
    Cursor c = new Cursor("date", t, "YYYY-MM-DD [BC], infinity or -infinity");
    int[] ymd = date(c);
    boolean bc = bc(c);
    c.end();
    return localDate(c, ymd, bc);
  }

  static Object parseTimestamp(String t, boolean withZone) {
    if (t.equals("infinity")) {
      return PgSpecial.INFINITY;
    }
    if (t.equals("-infinity")) {
      return PgSpecial.NEGATIVE_INFINITY;
    }
    String type = withZone ? "timestamptz" : "timestamp";
    Cursor c =
        new Cursor(
            type,
            t,
            withZone
                ? "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM[:SS]] [BC], infinity or -infinity"
                : "YYYY-MM-DD HH:MM:SS[.ffffff] [BC], infinity or -infinity");
    int[] ymd = date(c);
    c.expect(' ');
    LocalTime time = time(c);
    ZoneOffset zone = withZone ? offset(c) : null;
    boolean bc = bc(c);
    c.end();
    LocalDate date = localDate(c, ymd, bc);
    try {
      LocalDateTime ldt =
          time == LocalTime.MAX ? date.plusDays(1).atStartOfDay() : date.atTime(time);
      if (!withZone) {
        return ldt;
      }
      return OffsetDateTime.of(ldt, zone).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) { // beyond Java's year range, far past PostgreSQL's
      throw c.bad();
    }
  }

  static Object parseTime(String t) {
    Cursor c = new Cursor("time", t, "HH:MM:SS[.ffffff]");
    LocalTime time = time(c);
    c.end();
    return time;
  }

  static Object parseTimeTz(String t) {
    Cursor c = new Cursor("timetz", t, "HH:MM:SS[.ffffff]+HH[:MM[:SS]]");
    LocalTime time = time(c);
    ZoneOffset zone = offset(c);
    c.end();
    return OffsetTime.of(time, zone);
  }
}
