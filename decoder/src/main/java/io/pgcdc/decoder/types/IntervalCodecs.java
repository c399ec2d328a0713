package io.pgcdc.decoder.types;

/**
 * interval, in IntervalStyle postgres (the default; iso_8601 intervals are read too), as {@link
 * PgInterval}: months, days and microseconds, each kept as PostgreSQL keeps it.
 */
final class IntervalCodecs {
  private IntervalCodecs() {}

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
    DateTimeParser.Cursor c =
        new DateTimeParser.Cursor(
            "interval", t, "an interval like 1 year 2 mons 3 days 04:05:06.7");
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
        long secondNanos = c.secondsAsNanos();
        if (m > 59 || secondNanos >= 60_000_000_000L || h > 2_562_047_788L) {
          throw c.bad();
        }
        // h * 3_600_000_000 fits a long (h is at most 2562047788); the sum may not.
        long sign = negative ? -1 : 1;
        long v = sign * (h * 3_600_000_000L);
        v = Math.addExact(v, sign * (m * 60_000_000L + secondNanos / 1000));
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

  private static PgInterval interval(DateTimeParser.Cursor c, long months, long days, long micros) {
    if (months != (int) months || days != (int) days) {
      throw c.bad();
    }
    return new PgInterval((int) months, (int) days, micros);
  }

  private static PgInterval parseIsoInterval(String t) {
    DateTimeParser.Cursor c =
        new DateTimeParser.Cursor("interval", t, "an ISO 8601 interval like P1Y2M3DT4H5M6.7S");
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
      DateTimeCodecs.appendPadded(sb, hours, 2);
      sb.append(':');
      DateTimeCodecs.appendPadded(sb, rest / 60_000_000L, 2);
      sb.append(':');
      DateTimeCodecs.appendPadded(sb, rest / 1_000_000L % 60, 2);
      DateTimeCodecs.appendFraction(sb, (int) (rest % 1_000_000L) * 1000);
    }
    return sb.toString();
  }

  static final Codec INTERVAL =
      Codec.of("interval", IntervalCodecs::parseInterval, IntervalCodecs::formatInterval);
}
