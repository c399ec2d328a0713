package io.pgcdc.decoder.types;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * date, time, timetz, timestamp and timestamptz, in DateStyle ISO (the default); interval is in
 * {@link IntervalCodecs}.
 *
 * <p>Java forms: date → LocalDate; time → LocalTime; timetz → OffsetTime; timestamp →
 * LocalDateTime; timestamptz → OffsetDateTime in UTC (the offset PostgreSQL prints is the session's
 * time zone, not part of the value). BC dates are years 0 and below (proleptic ISO: 1 BC is year
 * 0), as PostgreSQL also counts. {@code infinity} and {@code -infinity} are {@link PgSpecial}. The
 * time 24:00:00, which PostgreSQL allows, is {@link LocalTime#MAX}: PostgreSQL keeps microseconds,
 * so 23:59:59.999999999 cannot stand for anything else.
 */
final class DateTimeCodecs {
  private DateTimeCodecs() {}

  // ---- text formatting ----------------------------------------------------------------------

  static void appendPadded(StringBuilder sb, long v, int width) {
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

  static void appendFraction(StringBuilder sb, int nanos) {
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

  static final Codec DATE = Codec.of("date", DateTimeParser::parseDate, DateTimeCodecs::formatDate);
  static final Codec TIME = Codec.of("time", DateTimeParser::parseTime, DateTimeCodecs::formatTime);
  static final Codec TIMETZ =
      Codec.of("timetz", DateTimeParser::parseTimeTz, DateTimeCodecs::formatTimeTz);
  static final Codec TIMESTAMP =
      Codec.of(
          "timestamp",
          t -> DateTimeParser.parseTimestamp(t, false),
          DateTimeCodecs::formatTimestamp);
  static final Codec TIMESTAMPTZ =
      Codec.of(
          "timestamptz",
          t -> DateTimeParser.parseTimestamp(t, true),
          DateTimeCodecs::formatTimestampTz);
}
