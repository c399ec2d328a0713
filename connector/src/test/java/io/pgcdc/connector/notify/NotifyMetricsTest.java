package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class NotifyMetricsTest {
  @Test
  void figuresAreReadableOverJmxAndGoneAfterClose() throws Exception {
    ObjectName name = NotifyMetrics.objectName("notify-metrics-test");
    try (NotifyMetrics metrics = new NotifyMetrics("notify-metrics-test", 0.5)) {
      metrics.notifications(3);
      metrics.reconnected(2);
      metrics.gaps(1);
      metrics.payloadError();
      metrics.queueUsage(0.75, "db");

      var server = ManagementFactory.getPlatformMBeanServer();
      assertThat(server.getAttribute(name, "NotificationsTotal")).isEqualTo(3L);
      assertThat(server.getAttribute(name, "Reconnects")).isEqualTo(1L);
      assertThat(server.getAttribute(name, "GapRecords")).isEqualTo(3L);
      assertThat(server.getAttribute(name, "PayloadErrors")).isEqualTo(1L);
      assertThat(server.getAttribute(name, "QueueUsage")).isEqualTo(0.75);
    }
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
  }
}
