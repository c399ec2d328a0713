package io.pgcdc.connector.query;

import java.time.Duration;
import java.time.Instant;

/** When a query runs: its fire times. */
sealed interface Schedule permits Schedule.Every, CronSchedule {
  /** The first fire time after {@code previous}. */
  Instant next(Instant previous);

  /** The first fire time of a query that never ran, started at {@code now}. */
  Instant first(Instant now);

  /** A fixed interval from one fire time to the next; the first fire is at once. */
  record Every(Duration interval) implements Schedule {
    @Override
    public Instant next(Instant previous) {
      return previous.plus(interval);
    }

    @Override
    public Instant first(Instant now) {
      return now;
    }

    @Override
    public String toString() {
      return "every " + interval.toMillis() + " ms";
    }
  }
}
