package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.Version;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the channels and hands out one record per notification. The parts: {@link
 * NotifyListener} (the connection), {@link NotificationRecords} (records), {@link NotifyMetrics}.
 * When the connection is lost it reconnects with backoff, listens again and writes one gap record
 * per channel for the window in which notifications may have been missed; so it does after a stop,
 * from the time of the last record it had written.
 */
public class PostgresNotifySourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(PostgresNotifySourceTask.class);

  private final Object lock = new Object();
  private volatile boolean stopping;
  private PostgresNotifySourceConfig config;
  private ConnectionSettings settings;
  private Channels channels;
  private NotificationRecords records;
  private NotifyListener listener;
  private NotifyMetrics metrics;
  private Backoff backoff;
  private boolean listening;
  private Gap gap;
  private int failures;
  private long retryAtNanos;
  private long nextCheckNanos;

  /** A window in which notifications may have been missed, from a known time, and why. */
  private record Gap(long fromMillis, String reason, boolean reconnect) {}

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new PostgresNotifySourceConfig(props);
    settings = config.connection("pgcdc-notify-" + config.connectorName());
    channels = config.channels();
    records =
        new NotificationRecords(
            settings.database(),
            config.topicTemplate(),
            config.payloadFormat(),
            config.keyMode(),
            config.keyField());
    listener = new NotifyListener(settings, config.socketTimeout());
    backoff = config.backoff();
    metrics = new NotifyMetrics(config.connectorName(), config.queueUsageWarnRatio());
    gap = storedGap();
  }

  /** After a stop, a restart or a failure: the gap since the last record written before. */
  private Gap storedGap() {
    Map<String, Object> stored =
        context.offsetStorageReader().offset(NotificationRecords.partition(settings.database()));
    if (stored != null && stored.get(NotificationRecords.OFFSET_TS) instanceof Number ts) {
      return new Gap(
          ts.longValue(), "the task was not listening (stopped, restarted or failed)", false);
    }
    return null;
  }

  @Override
  public List<SourceRecord> poll() {
    synchronized (lock) {
      if (stopping || !Backoff.waitedUntil(retryAtNanos, config.pollTimeout())) {
        return null;
      }
      List<SourceRecord> batch = new ArrayList<>();
      try {
        if (!listening) {
          listen(batch);
        }
        read(batch);
        checkIfDue();
        failures = 0;
      } catch (SQLException e) {
        lost(e);
      }
      // Records built before an error are complete: hand them out.
      return batch.isEmpty() ? null : batch;
    }
  }

  /**
   * Opens the connection and LISTENs; then the pending gap, if any, becomes a record per channel.
   */
  private void listen(List<SourceRecord> batch) throws SQLException {
    listener.open(channels);
    listening = true;
    nextCheckNanos = System.nanoTime() + config.checkInterval().toNanos();
    if (gap == null) {
      log.info("Listening on {} as server process {}", channels.names(), listener.backendPid());
      return;
    }
    long to = System.currentTimeMillis();
    for (String channel : channels.names()) {
      batch.add(records.gap(channel, gap.fromMillis(), to, gap.reason(), to));
    }
    if (gap.reconnect()) {
      metrics.reconnected(channels.names().size());
    } else {
      metrics.gaps(channels.names().size());
    }
    log.info(
        "Listening on {} as server process {}; notifications from {} to {} may be missed ({}):"
            + " wrote a gap record per channel",
        channels.names(),
        listener.backendPid(),
        java.time.Instant.ofEpochMilli(gap.fromMillis()),
        java.time.Instant.ofEpochMilli(to),
        gap.reason());
    gap = null;
  }

  private void read(List<SourceRecord> batch) throws SQLException {
    List<Notification> received = new ArrayList<>();
    int room = Math.max(1, config.maxBatchSize() - batch.size());
    listener.receive(received, room, config.pollTimeout());
    for (Notification n : received) {
      add(batch, n);
    }
    metrics.notifications(received.size());
  }

  /** The record of {@code n}; for a payload that is not JSON, what errors.tolerance says. */
  private void add(List<SourceRecord> batch, Notification n) {
    try {
      batch.add(records.notification(n));
    } catch (JsonPayload.NotJsonException e) {
      metrics.payloadError();
      String what =
          "Notification on channel '"
              + n.channel()
              + "' from server process "
              + n.pid()
              + " (payload.format=json): "
              + e.getMessage();
      if (!config.toleratesErrors()) {
        throw new ConnectException(
            what
                + ". Set errors.tolerance=all and "
                + PostgresNotifySourceConfig.DLQ_TOPIC_CONFIG
                + " to send such notifications to a dead letter topic, or payload.format=text",
            e);
      }
      String dlq = config.deadLetterTopic();
      if (dlq != null) {
        batch.add(records.deadLetter(dlq, n, e));
      } else {
        log.warn("{}; skipped (errors.tolerance=all, no dead letter topic)", what);
      }
    }
  }

  private void checkIfDue() throws SQLException {
    if (System.nanoTime() - nextCheckNanos >= 0) {
      metrics.queueUsage(listener.check(), settings.database());
      nextCheckNanos = System.nanoTime() + config.checkInterval().toNanos();
    }
  }

  /**
   * A transient error (lost connection, server restarting) closes the connection and retries after
   * the backoff, remembering since when notifications may be missed; anything else fails the task.
   */
  private void lost(SQLException e) {
    if (!PgErrors.isTransient(e)) {
      listener.close();
      throw new ConnectException(
          "Notify source on " + settings.describe() + " failed: " + e.getMessage(), e);
    }
    if (listening) {
      gap = new Gap(listener.lastAliveMillis(), "connection lost: " + e.getMessage(), true);
      listening = false;
    }
    listener.close();
    Duration wait = backoff.after(failures++);
    log.warn("Listening connection lost, reconnecting in {}: {}", wait, e.toString());
    retryAtNanos = System.nanoTime() + wait.toNanos();
  }

  @Override
  public void stop() {
    stopping = true;
    synchronized (lock) {
      if (listener != null) {
        listener.shutdown();
      }
    }
    if (metrics != null) {
      metrics.close();
    }
  }
}
