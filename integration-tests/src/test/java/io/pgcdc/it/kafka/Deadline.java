package io.pgcdc.it.kafka;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or time runs out; never a fixed sleep. */
public final class Deadline {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final long deadlineNanos;
  private final Duration timeout;

  private Deadline(Duration timeout) {
    this.timeout = timeout;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
  }

  public static Deadline in(Duration timeout) {
    return new Deadline(timeout);
  }

  public boolean expired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  public Duration timeout() {
    return timeout;
  }

  /** Waits one poll interval (or less, near the deadline). */
  public void pause() {
    try {
      Thread.sleep(Math.max(1, Math.min(POLL_INTERVAL.toMillis(), remaining().toMillis())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  /**
   * Polls {@code condition} until it is true; then returns. Throws with {@code description} and the
   * {@code detail} text when the deadline passes.
   */
  public void await(String description, Supplier<Boolean> condition, Supplier<String> detail) {
    while (!condition.get()) {
      if (expired()) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + description + ": " + detail.get());
      }
      pause();
    }
  }
}
