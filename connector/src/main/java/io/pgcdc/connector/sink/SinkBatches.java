package io.pgcdc.connector.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records between {@code put()} and PostgreSQL. The task thread reads each record into the
 * batch being filled; a batch goes to the writer thread when it holds batch.size records, or when
 * its first record has waited batch.linger.ms and the writer is idle. One batch is written while
 * the next fills; a full batch waits for the one being written. Connect's {@code max.poll.records}
 * (500 by default) thus no longer decides how many rows a transaction carries.
 *
 * <p>It knows, per partition, the offset up to which every record is committed in PostgreSQL: only
 * those offsets are handed back to Connect.
 */
final class SinkBatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkBatches.class);

  /** How soon to look again at a lingered batch while the writer is busy. */
  private static final long BUSY_RECHECK_MS = 10;

  private final SinkApplier applier;
  private final int batchSize;
  private final long lingerNanos;
  private final ExecutorService writer;
  private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
  private PendingBatch filling;
  private PendingBatch writing;
  private Future<?> inFlight;

  /** The failure of a write: every later call rethrows it, so the task fails. */
  private ConnectException failed;

  SinkBatches(SinkApplier applier, int batchSize, long lingerMs, String name) {
    this.applier = applier;
    this.batchSize = batchSize;
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMs);
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgcdc-sink-writer-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads the records into batches and hands the full ones (and a lingered one, when the writer is
   * idle) to the writer. Returns how many milliseconds the task may wait for more records before it
   * should call again (a batch lingers), or -1 when nothing waits.
   */
  long add(Collection<SinkRecord> records) {
    if (failed != null || (inFlight != null && inFlight.isDone())) {
      awaitInFlight(); // a failed write fails the task here, even when no record arrives
    }
    for (SinkRecord record : records) {
      if (filling == null) {
        filling = new PendingBatch(System.nanoTime());
      }
      applier.read(record, filling);
      if (filling.records() >= batchSize) {
        awaitInFlight();
        submit();
      }
    }
    if (filling == null) {
      return -1;
    }
    long waited = System.nanoTime() - filling.firstNanos();
    if (waited < lingerNanos) {
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(lingerNanos - waited));
    }
    if (inFlight != null && !inFlight.isDone()) {
      return BUSY_RECHECK_MS;
    }
    awaitInFlight();
    submit();
    return -1;
  }

  /**
   * Writes every record read so far and waits until it is committed; returns the offsets, per
   * partition of {@code partitions}, that follow the last committed record. When a write failed,
   * throws, and forgets the records not written (Connect delivers them again).
   */
  Map<TopicPartition, OffsetAndMetadata> flush(Collection<TopicPartition> partitions) {
    try {
      awaitInFlight();
      if (filling != null) {
        submit();
        awaitInFlight();
      }
    } catch (RuntimeException e) {
      filling = null;
      throw e;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        offsets.put(partition, offset);
      }
    }
    return offsets;
  }

  /**
   * Forgets the partitions (another task may take them over): waits for the batch being written,
   * which cannot be taken back, and drops their records not yet handed to the writer, which Connect
   * delivers again from the last committed offset. Nothing else is written here: Connect calls
   * {@link #flush} (preCommit) before it closes partitions it revokes, so none of their records are
   * left then; partitions lost in a rebalance (this task's consumer was fenced) are closed without
   * it, and another task may be writing their records already, from the last committed offset. The
   * records of the other partitions stay in the batch being filled.
   */
  void close(Collection<TopicPartition> partitions) {
    awaitInFlight();
    if (filling != null && filling.forget(partitions)) {
      filling = null;
    }
    committed.keySet().removeAll(partitions);
  }

  private void submit() {
    PendingBatch batch = filling;
    filling = null;
    writing = batch;
    inFlight = writer.submit(() -> applier.write(batch));
  }

  /** Waits for the batch being written; rethrows its failure (or an earlier one). */
  private void awaitInFlight() {
    if (failed != null) {
      throw failed;
    }
    Future<?> pending = inFlight;
    if (pending == null) {
      return;
    }
    try {
      pending.get();
      committed.putAll(writing.nextOffsets());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while waiting for a batch to be written", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      failed =
          cause instanceof ConnectException ce
              ? ce
              : new ConnectException("Writing a batch failed: " + cause, cause);
      throw failed;
    } finally {
      if (pending.isDone()) {
        inFlight = null;
        writing = null;
      }
    }
  }

  /** Lets the batch being written finish (or rolls it back after 30 s); drops what was not sent. */
  @Override
  public void close() {
    filling = null;
    writer.shutdown();
    try {
      if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("A batch was still being written when the task stopped; it is rolled back");
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
