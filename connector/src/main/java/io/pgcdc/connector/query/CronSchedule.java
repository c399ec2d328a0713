package io.pgcdc.connector.query;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A cron expression of five fields (minute, hour, day of month, month, day of week: {@code *},
 * numbers, ranges {@code a-b}, lists {@code a,b} and steps {@code x/n}; day of week 0-7, Sunday
 * being 0 and 7) in an explicit time zone. As in cron, when both day fields are restricted a day
 * matching either runs. A local time that a daylight-saving change skips fires at the first instant
 * after the gap; one that occurs twice fires once, at its first occurrence.
 */
record CronSchedule(
    String expression,
    ZoneId zone,
    BitSet minutes,
    BitSet hours,
    BitSet days,
    BitSet months,
    BitSet weekdays,
    boolean anyDay,
    boolean anyWeekday)
    implements Schedule {
  /** Four years and a day: every day-of-month and month combination that exists comes round. */
  private static final int MAX_DAYS = 4 * 366 + 1;

  static CronSchedule parse(String expression, ZoneId zone) {
    String[] f = expression.strip().split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "'"
              + expression
              + "' has "
              + f.length
              + " fields: a cron expression has 5 (minute hour"
              + " day-of-month month day-of-week), e.g. '*/20 * * * *' or '0 6 * * 1-5'");
    }
    BitSet weekdays = field(f[4], 0, 7, "day of week");
    if (weekdays.get(7)) {
      weekdays.set(0); // 7 is Sunday too
    }
    CronSchedule cron =
        new CronSchedule(
            expression.strip(),
            zone,
            field(f[0], 0, 59, "minute"),
            field(f[1], 0, 23, "hour"),
            field(f[2], 1, 31, "day of month"),
            field(f[3], 1, 12, "month"),
            weekdays,
            f[2].equals("*"),
            f[4].equals("*"));
    if (cron.next(Instant.EPOCH) == null) {
      throw new IllegalArgumentException("'" + expression + "' never fires (no such date)");
    }
    return cron;
  }

  private static BitSet field(String text, int min, int max, String what) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      try {
        addPart(set, part, min, max);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what + " '" + text + "': " + e.getMessage() + " (allowed: " + min + "-" + max + ")");
      }
    }
    return set;
  }

  private static void addPart(BitSet set, String part, int min, int max) {
    int step = 1;
    int slash = part.indexOf('/');
    String range = part;
    if (slash >= 0) {
      step = Integer.parseInt(part.substring(slash + 1));
      range = part.substring(0, slash);
      if (step < 1) {
        throw new IllegalArgumentException("step " + step + " is not positive");
      }
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = min;
      to = max;
    } else if (range.contains("-")) {
      from = Integer.parseInt(range.substring(0, range.indexOf('-')));
      to = Integer.parseInt(range.substring(range.indexOf('-') + 1));
    } else {
      from = Integer.parseInt(range);
      to = slash >= 0 ? max : from;
    }
    if (from < min || to > max || from > to) {
      throw new IllegalArgumentException("'" + part + "' is out of range");
    }
    for (int v = from; v <= to; v += step) {
      set.set(v);
    }
  }

  @Override
  public Instant first(Instant now) {
    return next(now);
  }

  /** The first fire time strictly after {@code previous}; null if none within four years. */
  @Override
  public Instant next(Instant previous) {
    ZonedDateTime after = previous.atZone(zone);
    LocalDateTime start = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDate day = start.toLocalDate();
    for (int d = 0; d < MAX_DAYS; d++, day = day.plusDays(1)) {
      if (!dayMatches(day)) {
        continue;
      }
      LocalTime from = d == 0 ? start.toLocalTime() : LocalTime.MIDNIGHT;
      Instant fire = firstTimeOf(day, from, previous);
      if (fire != null) {
        return fire;
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDate day) {
    if (!months.get(day.getMonthValue())) {
      return false;
    }
    boolean dom = days.get(day.getDayOfMonth());
    boolean dow =
        weekdays.get(day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue());
    if (anyDay || anyWeekday) {
      return dom && dow;
    }
    return dom || dow;
  }

  private Instant firstTimeOf(LocalDate day, LocalTime from, Instant previous) {
    for (int h = hours.nextSetBit(from.getHour()); h >= 0; h = hours.nextSetBit(h + 1)) {
      int m0 = h == from.getHour() ? from.getMinute() : 0;
      for (int m = minutes.nextSetBit(m0); m >= 0; m = minutes.nextSetBit(m + 1)) {
        // atZone moves a time in a gap forward and takes the earlier offset of an overlap.
        Instant fire = LocalDateTime.of(day, LocalTime.of(h, m)).atZone(zone).toInstant();
        if (fire.isAfter(previous)) {
          return fire;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "cron '" + expression + "' in " + zone;
  }
}
