package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.TaskMBeans;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notify task's figures ({@link NotifyTaskMetricsMXBean}), fed by the task thread with plain
 * writes to volatile fields (one writer), and the warning when the server's notification queue
 * fills past {@code queue.usage.warn.ratio}.
 */
final class NotifyMetrics implements NotifyTaskMetricsMXBean, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyMetrics.class);
  private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long WARN_REPEAT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final ObjectName name;
  private final double warnRatio;

  private volatile long notificationsTotal;
  private volatile double notificationsPerSecond;
  private volatile long reconnects;
  private volatile long gapRecords;
  private volatile long payloadErrors;
  private volatile double queueUsage = -1;

  // Task thread only.
  private long rateSince = System.nanoTime();
  private long rateCount;
  private boolean above;
  private long warnedNanos;

  NotifyMetrics(String connector, double warnRatio) {
    this.name = objectName(connector);
    this.warnRatio = warnRatio;
    TaskMBeans.register(name, this, NotifyTaskMetricsMXBean.class);
  }

  static ObjectName objectName(String connector) {
    return TaskMBeans.name("notify-source-task-metrics", connector);
  }

  void notifications(int count) {
    notificationsTotal += count; // one writer: the task thread
    rateCount += count;
    long now = System.nanoTime();
    if (now - rateSince >= RATE_WINDOW_NANOS) {
      notificationsPerSecond = rateCount * 1e9 / (now - rateSince);
      rateCount = 0;
      rateSince = now;
    }
  }

  void reconnected(int gaps) {
    reconnects++;
    gapRecords += gaps;
  }

  void gaps(int count) {
    gapRecords += count;
  }

  void payloadError() {
    payloadErrors++;
  }

  /** The queue usage just sampled; warns once past the ratio, again every 10 minutes above it. */
  void queueUsage(double usage, String database) {
    queueUsage = usage;
    long now = System.nanoTime();
    if (warnRatio > 0 && usage > warnRatio) {
      if (!above || now - warnedNanos >= WARN_REPEAT_NANOS) {
        log.warn(
            "The notification queue of the server of database {} is filling up:"
                + " pg_notification_queue_usage() is {}, above queue.usage.warn.ratio ({}). A"
                + " session that LISTENs and does not read, or sits in a long transaction, holds it"
                + " back (see pg_stat_activity); at 1 every NOTIFY fails",
            database,
            usage,
            warnRatio);
        warnedNanos = now;
      }
      above = true;
    } else if (above) {
      log.info("The notification queue of database {} is below the warning again", database);
      above = false;
    }
  }

  @Override
  public void close() {
    TaskMBeans.unregister(name, this);
  }

  @Override
  public long getNotificationsTotal() {
    return notificationsTotal;
  }

  @Override
  public double getNotificationsPerSecond() {
    return notificationsPerSecond;
  }

  @Override
  public long getReconnects() {
    return reconnects;
  }

  @Override
  public long getGapRecords() {
    return gapRecords;
  }

  @Override
  public long getPayloadErrors() {
    return payloadErrors;
  }

  @Override
  public double getQueueUsage() {
    return queueUsage;
  }
}
