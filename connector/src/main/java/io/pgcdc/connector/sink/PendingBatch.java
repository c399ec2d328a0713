package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.sink.change.RowChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Records read into row changes, waiting to be written in one transaction: the changes, the bad
 * records found so far, and per partition the offset that follows its last record, which may be
 * handed to Connect once the batch is committed (skipped and rejected records count: they are done
 * with too).
 */
final class PendingBatch {
  /** A bad record and why; reported once its batch has been written. */
  record Rejection(SinkRecord record, String message, Throwable cause) {}

  private final long firstNanos;
  private final List<RowChange> changes = new ArrayList<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
  private int records;
  private TopicPartition lastPartition;

  PendingBatch(long firstNanos) {
    this.firstNanos = firstNanos;
  }

  /** When the first record arrived ({@link System#nanoTime()}). */
  long firstNanos() {
    return firstNanos;
  }

  /** Counts a record read into this batch, and the offset that follows it. */
  void count(SinkRecord record) {
    records++;
    lastPartition = OffsetLedger.partitionOf(record, lastPartition);
    nextOffsets.put(lastPartition, new OffsetAndMetadata(record.originalKafkaOffset() + 1));
  }

  /**
   * Forgets the records of these partitions (closed: Connect delivers them again, to this task or
   * another, from the last committed offset); true when no record is left. {@link #records()} still
   * counts them, which only sends the batch a little sooner.
   */
  boolean forget(Collection<TopicPartition> partitions) {
    changes.removeIf(c -> partitions.contains(OffsetLedger.partitionOf(c.record())));
    rejections.removeIf(r -> partitions.contains(OffsetLedger.partitionOf(r.record())));
    nextOffsets.keySet().removeAll(partitions);
    return nextOffsets.isEmpty();
  }

  int records() {
    return records;
  }

  List<RowChange> changes() {
    return changes;
  }

  List<Rejection> rejections() {
    return rejections;
  }

  Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
    return nextOffsets;
  }
}
