package io.pgcdc.connector.source.metrics;

import java.util.Map;

/**
 * What a source task reports over JMX, as {@code
 * io.pgcdc:type=source-task-metrics,connector=NAME,task=0}. Figures from the server (lag in bytes,
 * retained WAL, confirmed LSN, row estimates) are sampled every {@code heartbeat.interval.ms}; the
 * others move with every poll. A figure not known yet is -1 (or empty).
 */
public interface SourceTaskMetricsMXBean {
  /** Change and snapshot records handed to Connect since the task started. */
  long getEventsTotal();

  /** Records handed to Connect per second, over the last second or more. */
  double getEventsPerSecond();

  /** For the last change handed to Connect: milliseconds from its commit to then. */
  long getMillisBehindSource();

  /**
   * WAL the server wrote past the last position read: {@code pg_current_wal_lsn()} minus the later
   * of the last change's LSN and the slot's confirmed position.
   */
  long getLagBytes();

  /** The slot's {@code confirmed_flush_lsn}: the position the server may discard WAL before. */
  String getLastConfirmedLsn();

  /** WAL the slot keeps on the server's disk: {@code pg_current_wal_lsn() - restart_lsn}. */
  long getRetainedWalBytes();

  /** Rows copied by the snapshot, by table ({@code schema.table}). */
  Map<String, Long> getSnapshotRowsDone();

  /**
   * Rows of each captured table as the server estimates them ({@code pg_class.reltuples}, summed
   * over partitions); -1 for a table never vacuumed or analyzed.
   */
  Map<String, Long> getSnapshotRowsEstimated();

  /**
   * Rows emitted so far by the copy of each table added to the running connector ({@code
   * schema.table}), by this task: a task that resumed a copy after a restart counts from there.
   */
  Map<String, Long> getIncrementalCopyRowsDone();

  /**
   * The text of the key values of the last row each such copy emitted, comma-separated (where a
   * restart resumes it); empty before its first chunk.
   */
  Map<String, String> getIncrementalCopyLastKey();

  /** Whether each such copy has emitted its last chunk. */
  Map<String, Boolean> getIncrementalCopyDone();
}
