package io.pgcdc.connector.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant next(String cron, ZoneId zone, String after) {
    return CronSchedule.parse(cron, zone).next(Instant.parse(after));
  }

  @Test
  void everyTwentyMinutesFiresOnTheNextMultipleStrictlyAfter() {
    assertThat(next("*/20 * * * *", UTC, "2026-12-07T10:05:30Z")).isEqualTo("2026-12-07T10:20:00Z");
    assertThat(next("*/20 * * * *", UTC, "2026-12-07T10:20:00Z")).isEqualTo("2026-12-07T10:40:00Z");
    assertThat(next("*/20 * * * *", UTC, "2026-12-07T23:45:00Z")).isEqualTo("2026-12-08T00:00:00Z");
  }

  @Test
  void weekdaysAtSixInTheGivenZone() {
    // 2026-12-11 is a Friday; the next weekday is Monday the 14th; Berlin is UTC+1 in winter.
    assertThat(next("0 6 * * 1-5", BERLIN, "2026-12-11T06:00:00Z"))
        .isEqualTo("2026-12-14T05:00:00Z");
    assertThat(next("0 6 * * 7", UTC, "2026-12-07T00:00:00Z")).isEqualTo("2026-12-13T06:00:00Z");
  }

  @Test
  void eitherDayFieldMatchesWhenBothAreRestricted() {
    // The 1st of the month or a Monday: after Wednesday 2026-12-02 comes Monday the 7th.
    assertThat(next("0 0 1 * 1", UTC, "2026-12-02T00:00:00Z")).isEqualTo("2026-12-07T00:00:00Z");
  }

  @Test
  void aTimeInTheSpringGapFiresAfterItAndOneInTheAutumnOverlapOnce() {
    // 2026-03-29 02:30 does not exist in Berlin: it fires at 03:30 CEST = 01:30 UTC.
    assertThat(next("30 2 * * *", BERLIN, "2026-03-28T12:00:00Z"))
        .isEqualTo("2026-03-29T01:30:00Z");
    // 2026-10-25 02:30 happens twice: once, at the first (CEST, 00:30 UTC); next on the 26th.
    Instant first = next("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z");
    assertThat(first).isEqualTo("2026-10-25T00:30:00Z");
    assertThat(CronSchedule.parse("30 2 * * *", BERLIN).next(first))
        .isEqualTo("2026-10-26T01:30:00Z");
  }

  @Test
  void leapDayComesRound() {
    assertThat(next("0 0 29 2 *", UTC, "2026-12-07T00:00:00Z")).isEqualTo("2028-02-29T00:00:00Z");
  }

  @Test
  void badExpressionsSayWhatIsWrong() {
    assertThatThrownBy(() -> CronSchedule.parse("* * * *", UTC))
        .hasMessageContaining("has 4 fields");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", UTC))
        .hasMessageContaining("minute '61'")
        .hasMessageContaining("0-59");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 31 2 *", UTC))
        .hasMessageContaining("never fires");
  }
}
