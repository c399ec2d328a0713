package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGNotification;

class NotifyListenerTest {
  @Test
  void notificationsFromTheOwnBackendAreNeverHandedOut() {
    PGNotification[] batch = {
      new org.postgresql.core.Notification("c", 100, "other"),
      new org.postgresql.core.Notification("c", 7, "own"),
      new org.postgresql.core.Notification("d", 101, "x\ny")
    };

    List<Notification> kept = NotifyListener.fromOthers(batch, 7, 55L);

    assertThat(kept)
        .containsExactly(
            new Notification("c", "other", 100, 55L), new Notification("d", "x\ny", 101, 55L));
  }
}
