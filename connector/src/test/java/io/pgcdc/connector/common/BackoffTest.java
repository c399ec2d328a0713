package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesAfterEveryFailureUpToTheMaximum() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(b.after(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.after(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.after(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.after(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(1_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aMaximumEqualToTheStartIsAFixedWait() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(b.after(0)).isEqualTo(b.after(29)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aMaximumBelowTheStartIsRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInterruptEndsTheSleepAndStaysOnTheThread() {
    Thread.currentThread().interrupt();
    assertThat(Backoff.sleep(Duration.ofMinutes(1))).isFalse();
    assertThat(Thread.interrupted()).isTrue();
  }
}
