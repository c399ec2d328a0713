package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * date, time, timetz, timestamp, timestamptz and interval, in DateStyle ISO and IntervalStyle
 * postgres (the defaults; iso_8601 intervals are read too).
 *
 * <p>Java forms: date → LocalDate; time → LocalTime; timetz → OffsetTime; timestamp →
 * LocalDateTime; timestamptz → OffsetDateTime in UTC (the offset PostgreSQL prints is the session's
 * time zone, not part of the value); interval → PgInterval. BC dates are years 0 and below
 * (proleptic ISO: 1 BC is year 0), as PostgreSQL also counts. {@code infinity} and {@code
 * -infinity} are {@link PgSpecial}. The time 24:00:00, which PostgreSQL allows, is {@link
 * LocalTime#MAX}: PostgreSQL keeps microseconds, so 23:59:59.999999999 cannot stand for anything
 * else.
 */
final class DateTimeCodecs {
  private DateTimeCodecs() {}

  /** Days from 1970-01-01 to 2000-01-01. */
  static final long PG_EPOCH_DAY = 10_957L;

  static final long PG_EPOCH_SECONDS = 946_684_800L;
  static final long MICROS_PER_DAY = 86_400_000_000L;

  // ---- text parsing -------------------------------------------------------------------------

  /** The text cursor with the date and time fields. */
  private static final class Cursor extends TextCursor {
    Cursor(String type, String t, String expected) {
      super(type, t, expected);
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
    int s = 0;
    int nanos = 0;
    if (c.peek() == ':') {
      c.i++;
      s = c.exactDigits(2);
      nanos = c.fractionNanos();
    }
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

  // ---- text formatting ----------------------------------------------------------------------

  private static void appendPadded(StringBuilder sb, long v, int width) {
    String s = Long.toString(v);
    for (int k = s.length(); k < width; k++) {
      sb.append('0');
    }
    sb.append(s);
  }

  private static void appendDate(StringBuilder sb, LocalDate d) {
    int year = d.getYear();
    appendPadded(sb, year <= 0 ? 1 - (long) year : year, 4);
    sb.append('-');
    appendPadded(sb, d.getMonthValue(), 2);
    sb.append('-');
    appendPadded(sb, d.getDayOfMonth(), 2);
  }

  private static void appendTime(StringBuilder sb, LocalTime t) {
    if (t.equals(LocalTime.MAX)) {
      sb.append("24:00:00");
      return;
    }
    appendPadded(sb, t.getHour(), 2);
    sb.append(':');
    appendPadded(sb, t.getMinute(), 2);
    sb.append(':');
    appendPadded(sb, t.getSecond(), 2);
    appendFraction(sb, t.getNano());
  }

  private static void appendFraction(StringBuilder sb, int nanos) {
    if (nanos == 0) {
      return;
    }
    StringBuilder f = new StringBuilder();
    appendPadded(f, nanos, 9);
    int end = 9;
    while (f.charAt(end - 1) == '0') {
      end--;
    }
    sb.append('.').append(f, 0, end);
  }

  private static void appendOffset(StringBuilder sb, ZoneOffset z) {
    int total = z.getTotalSeconds();
    sb.append(total < 0 ? '-' : '+');
    total = Math.abs(total);
    appendPadded(sb, total / 3600, 2);
    sb.append(':');
    appendPadded(sb, total / 60 % 60, 2);
    if (total % 60 != 0) {
      sb.append(':');
      appendPadded(sb, total % 60, 2);
    }
  }

  private static String special(Object v) {
    return v == PgSpecial.INFINITY
        ? "infinity"
        : v == PgSpecial.NEGATIVE_INFINITY ? "-infinity" : null;
  }

  static String formatDate(Object v) {
    String s = special(v);
    if (s != null) {
      return s;
    }
    if (v instanceof LocalDate d) {
      StringBuilder sb = new StringBuilder(16);
      appendDate(sb, d);
      return d.getYear() <= 0 ? sb.append(" BC").toString() : sb.toString();
    }
    throw Codec.wrongClass("date", v, "LocalDate or PgSpecial");
  }

  static String formatTime(Object v) {
    if (v instanceof LocalTime t) {
      StringBuilder sb = new StringBuilder(18);
      appendTime(sb, t);
      return sb.toString();
    }
    throw Codec.wrongClass("time", v, "LocalTime");
  }

  static String formatTimeTz(Object v) {
    if (v instanceof OffsetTime t) {
      StringBuilder sb = new StringBuilder(24);
      appendTime(sb, t.toLocalTime());
      appendOffset(sb, t.getOffset());
      return sb.toString();
    }
    throw Codec.wrongClass("timetz", v, "OffsetTime");
  }

  static String formatTimestamp(Object v) {
    String s = special(v);
    if (s != null) {
      return s;
    }
    if (v instanceof LocalDateTime t) {
      StringBuilder sb = new StringBuilder(32);
      appendDate(sb, t.toLocalDate());
      sb.append(' ');
      appendTime(sb, t.toLocalTime());
      return t.getYear() <= 0 ? sb.append(" BC").toString() : sb.toString();
    }
    throw Codec.wrongClass("timestamp", v, "LocalDateTime or PgSpecial");
  }

  static String formatTimestampTz(Object v) {
    String s = special(v);
    if (s != null) {
      return s;
    }
    OffsetDateTime t;
    if (v instanceof OffsetDateTime o) {
      t = o;
    } else if (v instanceof Instant i) {
      t = i.atOffset(ZoneOffset.UTC);
    } else {
      throw Codec.wrongClass("timestamptz", v, "OffsetDateTime, Instant or PgSpecial");
    }
    StringBuilder sb = new StringBuilder(40);
    appendDate(sb, t.toLocalDate());
    sb.append(' ');
    appendTime(sb, t.toLocalTime());
    appendOffset(sb, t.getOffset());
    return t.getYear() <= 0 ? sb.append(" BC").toString() : sb.toString();
  }

  // ---- binary -------------------------------------------------------------------------------

  static Object readDate(ByteBuffer b) {
    Bin.exactly(b, 4, "date");
    int days = b.getInt();
    if (days == Integer.MAX_VALUE) {
      return PgSpecial.INFINITY;
    }
    if (days == Integer.MIN_VALUE) {
      return PgSpecial.NEGATIVE_INFINITY;
    }
    return LocalDate.ofEpochDay(PG_EPOCH_DAY + days);
  }

  private static LocalTime timeOfMicros(long micros, String type) {
    if (micros == MICROS_PER_DAY) {
      return LocalTime.MAX;
    }
    if (micros < 0 || micros > MICROS_PER_DAY) {
      throw new DecodeException(
          type + ": expected microseconds from 0 to 86400000000, got " + micros + " at offset 0");
    }
    return LocalTime.ofNanoOfDay(micros * 1000);
  }

  static Object readTime(ByteBuffer b) {
    Bin.exactly(b, 8, "time");
    return timeOfMicros(b.getLong(), "time");
  }

  /** timetz_send: Int64 microseconds, then Int32 zone in seconds west of UTC. */
  static Object readTimeTz(ByteBuffer b) {
    Bin.exactly(b, 12, "timetz");
    LocalTime t = timeOfMicros(b.getLong(), "timetz");
    int west = b.getInt();
    if (west < -18 * 3600 || west > 18 * 3600) {
      throw new DecodeException(
          "timetz.zone: expected -64800 to 64800 seconds, got " + west + " at offset 8");
    }
    return OffsetTime.of(t, ZoneOffset.ofTotalSeconds(-west));
  }

  static Object readTimestamp(ByteBuffer b, boolean withZone) {
    Bin.exactly(b, 8, withZone ? "timestamptz" : "timestamp");
    long micros = b.getLong();
    if (micros == Long.MAX_VALUE) {
      return PgSpecial.INFINITY;
    }
    if (micros == Long.MIN_VALUE) {
      return PgSpecial.NEGATIVE_INFINITY;
    }
    long seconds = PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L);
    int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
    LocalDateTime ldt = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    return withZone ? OffsetDateTime.of(ldt, ZoneOffset.UTC) : ldt;
  }

  // ---- interval -----------------------------------------------------------------------------

  static Object readInterval(ByteBuffer b) {
    Bin.exactly(b, 16, "interval");
    long micros = b.getLong();
    int days = b.getInt();
    int months = b.getInt();
    return new PgInterval(months, days, micros);
  }

  /**
   * IntervalStyle postgres: {@code [N year[s]] [N mon[s]] [N day[s]] [[+-]H:MM:SS[.f]]}, each field
   * signed on its own; or iso_8601: {@code P[nY][nM][nW][nD][T[nH][nM][nS]]}.
   */
  static Object parseInterval(String t) {
    try {
      return parseIntervalExact(t);
    } catch (ArithmeticException e) {
      throw Codec.bad("interval", "months and days within int, microseconds within long", t);
    }
  }

  private static Object parseIntervalExact(String t) {
    if (t.startsWith("P")) {
      return parseIsoInterval(t);
    }
    Cursor c = new Cursor("interval", t, "an interval like 1 year 2 mons 3 days 04:05:06.7");
    long months = 0;
    long days = 0;
    long micros = 0;
    boolean any = false;
    while (c.more()) {
      if (any) {
        c.expect(' ');
      }
      any = true;
      boolean negative = c.peek() == '-';
      if (c.peek() == '-' || c.peek() == '+') {
        c.i++;
      }
      int start = c.i;
      long n = c.digits(1);
      if (c.peek() == ':') {
        c.i = start;
        long h = c.digits(1);
        c.expect(':');
        int m = c.exactDigits(2);
        int s = 0;
        int nanos = 0;
        if (c.peek() == ':') {
          c.i++;
          s = c.exactDigits(2);
          nanos = c.fractionNanos();
        }
        if (m > 59 || s > 59 || h > 2_562_047_788L) {
          throw c.bad();
        }
        // h * 3_600_000_000 fits a long (h is at most 2562047788); the sum may not.
        long sign = negative ? -1 : 1;
        long v = sign * (h * 3_600_000_000L);
        v = Math.addExact(v, sign * (m * 60_000_000L + s * 1_000_000L + nanos / 1000));
        micros = Math.addExact(micros, v);
        continue;
      }
      c.expect(' ');
      long signed = negative ? -n : n;
      int unitStart = c.i;
      while (c.more() && Character.isLetter(c.peek())) {
        c.i++;
      }
      switch (t.substring(unitStart, c.i)) {
        case "year", "years" -> months = Math.addExact(months, Math.multiplyExact(signed, 12));
        case "mon", "mons" -> months = Math.addExact(months, signed);
        case "day", "days" -> days = Math.addExact(days, signed);
        default -> throw c.bad();
      }
    }
    if (!any) {
      throw c.bad();
    }
    return interval(c, months, days, micros);
  }

  private static PgInterval interval(Cursor c, long months, long days, long micros) {
    if (months != (int) months || days != (int) days) {
      throw c.bad();
    }
    return new PgInterval((int) months, (int) days, micros);
  }

  private static PgInterval parseIsoInterval(String t) {
    Cursor c = new Cursor("interval", t, "an ISO 8601 interval like P1Y2M3DT4H5M6.7S");
    c.i = 1;
    long months = 0;
    long days = 0;
    long micros = 0;
    boolean timePart = false;
    boolean any = false;
    while (c.more()) {
      if (c.peek() == 'T' && !timePart) {
        timePart = true;
        c.i++;
        continue;
      }
      boolean negative = c.peek() == '-';
      if (c.peek() == '-' || c.peek() == '+') {
        c.i++;
      }
      long n = c.digits(1);
      int nanos = c.fractionNanos();
      char unit = c.peek();
      c.i++;
      any = true;
      long sign = negative ? -1 : 1;
      if (!timePart) {
        if (nanos != 0) {
          throw c.bad();
        }
        switch (unit) {
          case 'Y' -> months = Math.addExact(months, Math.multiplyExact(sign * n, 12));
          case 'M' -> months = Math.addExact(months, sign * n);
          case 'W' -> days = Math.addExact(days, Math.multiplyExact(sign * n, 7));
          case 'D' -> days = Math.addExact(days, sign * n);
          default -> throw c.bad();
        }
      } else {
        long unitMicros =
            switch (unit) {
              case 'H' -> 3_600_000_000L;
              case 'M' -> 60_000_000L;
              case 'S' -> 1_000_000L;
              default -> throw c.bad();
            };
        long v =
            Math.addExact(
                Math.multiplyExact(n, unitMicros), (long) nanos * (unitMicros / 1000) / 1_000_000);
        micros = Math.addExact(micros, sign * v);
      }
    }
    if (!any) {
      throw c.bad();
    }
    return interval(c, months, days, micros);
  }

  /** PostgreSQL's postgres IntervalStyle, with a '+' where an earlier field was negative. */
  static String formatInterval(Object v) {
    if (!(v instanceof PgInterval iv)) {
      throw Codec.wrongClass("interval", v, "PgInterval");
    }
    StringBuilder sb = new StringBuilder(32);
    boolean negativeBefore = false;
    if (iv.months() != 0) {
      sb.append(iv.months()).append(" mons");
      negativeBefore = iv.months() < 0;
    }
    if (iv.days() != 0) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      if (negativeBefore && iv.days() > 0) {
        sb.append('+');
      }
      sb.append(iv.days()).append(" days");
      negativeBefore |= iv.days() < 0;
    }
    if (iv.micros() != 0 || sb.length() == 0) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      long m = iv.micros();
      if (m < 0) {
        sb.append('-');
      } else if (negativeBefore) {
        sb.append('+');
      }
      // Unsigned arithmetic keeps Long.MIN_VALUE exact.
      long abs = m == Long.MIN_VALUE ? Long.MIN_VALUE : Math.abs(m);
      long hours = Long.divideUnsigned(abs, 3_600_000_000L);
      long rest = Long.remainderUnsigned(abs, 3_600_000_000L);
      appendPadded(sb, hours, 2);
      sb.append(':');
      appendPadded(sb, rest / 60_000_000L, 2);
      sb.append(':');
      appendPadded(sb, rest / 1_000_000L % 60, 2);
      appendFraction(sb, (int) (rest % 1_000_000L) * 1000);
    }
    return sb.toString();
  }

  static final Codec DATE =
      Codec.of(
          "date", DateTimeCodecs::parseDate, DateTimeCodecs::readDate, DateTimeCodecs::formatDate);
  static final Codec TIME =
      Codec.of(
          "time", DateTimeCodecs::parseTime, DateTimeCodecs::readTime, DateTimeCodecs::formatTime);
  static final Codec TIMETZ =
      Codec.of(
          "timetz",
          DateTimeCodecs::parseTimeTz,
          DateTimeCodecs::readTimeTz,
          DateTimeCodecs::formatTimeTz);
  static final Codec TIMESTAMP =
      Codec.of(
          "timestamp",
          t -> parseTimestamp(t, false),
          b -> readTimestamp(b, false),
          DateTimeCodecs::formatTimestamp);
  static final Codec TIMESTAMPTZ =
      Codec.of(
          "timestamptz",
          t -> parseTimestamp(t, true),
          b -> readTimestamp(b, true),
          DateTimeCodecs::formatTimestampTz);
  static final Codec INTERVAL =
      Codec.of(
          "interval",
          DateTimeCodecs::parseInterval,
          DateTimeCodecs::readInterval,
          DateTimeCodecs::formatInterval);
}
