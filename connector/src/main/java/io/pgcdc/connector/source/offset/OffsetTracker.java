package io.pgcdc.connector.source.offset;

import java.util.ArrayDeque;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Finds the LSN that may be confirmed to the server: the end of the last transaction whose every
 * record, and every record before it, Kafka has acknowledged. Records are acknowledged out of order
 * (they go to different partitions); the confirmable LSN only moves with the contiguous
 * acknowledged prefix, and never backwards. Called by the task thread (emit, end of transaction)
 * and by the producer's callback thread (acknowledge).
 *
 * <p>Gated on commits (the task's tracker): what is confirmable moves to the server only once
 * Connect has committed, see {@link #committed()}. Kafka acknowledges records when the broker has
 * them; with exactly-once support, that is inside a producer transaction that a crash still aborts,
 * and only the commit of that transaction (records and offsets together) makes them final.
 */
public final class OffsetTracker {
  /** One emitted record, or the end of a transaction ({@code confirmLsn} set, no record). */
  private static final class Entry {
    final long confirmLsn;
    boolean acked;

    Entry(long confirmLsn, boolean acked) {
      this.confirmLsn = confirmLsn;
      this.acked = acked;
    }
  }

  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private int unacknowledged;
  private long confirmable;
  private final boolean gated;
  private long committed;

  /**
   * @param confirmed the LSN the server has confirmed already (the slot's confirmed_flush_lsn)
   */
  public OffsetTracker(long confirmed) {
    this(confirmed, false);
  }

  /**
   * @param confirmed the LSN the server has confirmed already (the slot's confirmed_flush_lsn)
   * @param gated whether {@link #confirmable()} waits for {@link #committed()}
   */
  public OffsetTracker(long confirmed, boolean gated) {
    this.confirmable = confirmed;
    this.committed = confirmed;
    this.gated = gated;
  }

  /**
   * Connect committed the offsets (and, with exactly-once support, the transaction) of every record
   * acknowledged so far: {@code SourceTask.commit()} runs after the offset flush or the transaction
   * commit, on the thread that sends the records, so no record of a later transaction is
   * acknowledged yet.
   *
   * @see org.apache.kafka.connect.source.SourceTask#commit()
   */
  public synchronized void committed() {
    committed = confirmable;
  }

  /**
   * The task hands {@code record} to Connect. Only records this task built ({@link ChangeRecord})
   * can be tracked: their entry travels with them, so an acknowledgement needs no lookup.
   */
  public synchronized void emitted(SourceRecord record) {
    if (!(record instanceof ChangeRecord change) || change.tracking != null) {
      throw new IllegalArgumentException("not a new record of this task: " + record);
    }
    Entry e = new Entry(0, false);
    pending.addLast(e);
    change.tracking = e;
    unacknowledged++;
  }

  /** A transaction ended at {@code endLsn}: confirmable once every record before it is acked. */
  public synchronized void transactionEnd(long endLsn) {
    if (pending.isEmpty()) {
      advance(endLsn);
    } else {
      pending.addLast(new Entry(endLsn, true));
    }
  }

  /** Kafka acknowledged {@code record} (or a transform dropped it). */
  public synchronized void acknowledged(SourceRecord record) {
    if (!(record instanceof ChangeRecord change)
        || !(change.tracking instanceof Entry e)
        || e.acked) {
      return;
    }
    e.acked = true;
    unacknowledged--;
    while (!pending.isEmpty() && pending.peekFirst().acked) {
      advance(pending.pollFirst().confirmLsn);
    }
  }

  /**
   * The server reported its WAL end {@code walEnd} while no transaction was open: when every record
   * is acknowledged, nothing before {@code walEnd} is left to deliver.
   */
  public synchronized void idleAt(long walEnd) {
    if (pending.isEmpty()) {
      advance(walEnd);
    }
  }

  public synchronized long confirmable() {
    return gated ? committed : confirmable;
  }

  synchronized int unacknowledged() {
    return unacknowledged;
  }

  private void advance(long lsn) {
    if (Long.compareUnsigned(lsn, confirmable) > 0) {
      confirmable = lsn;
    }
  }
}
