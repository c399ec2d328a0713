package io.pgcdc.connector.common;

import java.time.Duration;

/**
 * How long to wait before the next try of a retry loop: {@code initial}, doubled after every failed
 * try, never more than {@code max}.
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff: need 0 <= initial <= max, got " + this);
    }
  }

  /** The wait before try {@code failures + 1}, after {@code failures} (0 or more) failed tries. */
  public Duration after(int failures) {
    Duration wait = initial.multipliedBy(1L << Math.min(Math.max(failures, 0), 30));
    return wait.compareTo(max) > 0 || wait.isNegative() ? max : wait;
  }

  /** Sleeps for {@code wait}; an interrupt is kept on the thread and ends the sleep early. */
  public static boolean sleep(Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return true;
    }
    try {
      Thread.sleep(wait.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Parks the thread until {@code deadlineNanos} ({@link System#nanoTime()}), for at most {@code
   * slice} at a time so that a caller stays responsive; true once the deadline has passed.
   */
  public static boolean waitedUntil(long deadlineNanos, Duration slice) {
    long wait = deadlineNanos - System.nanoTime();
    if (wait > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, slice.toNanos()));
      return deadlineNanos - System.nanoTime() <= 0;
    }
    return true;
  }
}
