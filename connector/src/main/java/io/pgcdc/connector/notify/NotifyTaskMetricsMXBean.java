package io.pgcdc.connector.notify;

/**
 * What a notify source task reports over JMX, as {@code
 * io.pgcdc:type=notify-source-task-metrics,connector=NAME,task=0}. A figure not known yet is -1.
 */
public interface NotifyTaskMetricsMXBean {
  /** Notification records handed to Connect since the task started (dead letters included). */
  long getNotificationsTotal();

  /** Notifications handed to Connect per second, over the last second or more. */
  double getNotificationsPerSecond();

  /** Times the listening connection was lost and opened again. */
  long getReconnects();

  /** Gap records written: one per channel after each reconnect or restart. */
  long getGapRecords();

  /** Payloads that could not be read (payload.format=json): sent to the dead letter topic. */
  long getPayloadErrors();

  /**
   * The server's {@code pg_notification_queue_usage()} at the last check (every {@code
   * connection.check.interval.ms}): the share, 0 to 1, of the notification queue in use.
   */
  double getQueueUsage();
}
