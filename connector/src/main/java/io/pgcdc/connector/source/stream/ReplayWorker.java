package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the records of a streamed transaction being replayed on a thread of its own, and converts
 * them to JSON ahead when the task's converters allow it ({@link RecordBuilder#convertAhead}), as
 * the snapshot's reading threads do: the task thread then only hands them to Connect, which sends
 * them while this thread reads, decodes and converts the next ones. The records and their offsets
 * come in chunks, in order, through a small bounded queue, so that at most {@link #CHUNKS} chunks
 * are built ahead of Connect. The task thread gives each record to the offset tracker as it hands
 * it out: only it knows what Connect has.
 *
 * <p>While it runs, this thread alone uses what {@code steps} reads and writes (the assembler's
 * transaction state, the schema cache and its catalog connection): the task thread only takes
 * chunks until the last, which the worker puts after its final step (a happens-before).
 */
final class ReplayWorker implements Runnable, AutoCloseable {
  /** Records per chunk. */
  static final int CHUNK_RECORDS = 512;

  /** Chunks built ahead of the task thread. */
  static final int CHUNKS = 4;

  /**
   * Records of the replay in order, each with its offset; {@code end} once the transaction's last
   * record is in (this chunk or an earlier one), {@code failure} when building broke.
   */
  record Chunk(
      List<SourceRecord> records, List<SourceOffset> offsets, boolean end, Exception failure) {}

  /** One step of the replay: the records of the next spooled message. */
  interface Steps {
    /**
     * Adds the records of the next message to {@code out} and their offsets to {@code offsets}, one
     * per record; false when no message is left.
     */
    boolean next(List<SourceRecord> out, List<SourceOffset> offsets, long now) throws SQLException;
  }

  private final Steps steps;
  private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread thread;
  private volatile boolean closed;

  ReplayWorker(Steps steps, String name) {
    this.steps = steps;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public void run() {
    try {
      boolean more = true;
      while (more && !closed) {
        List<SourceRecord> out = new ArrayList<>(CHUNK_RECORDS + 2);
        List<SourceOffset> offsets = new ArrayList<>(CHUNK_RECORDS + 2);
        while (out.size() < CHUNK_RECORDS
            && (more = steps.next(out, offsets, System.currentTimeMillis()))) {
          // ts_ms is when a record is built, as on the task thread.
        }
        for (SourceRecord r : out) {
          RecordBuilder.convertAhead(r);
        }
        chunks.put(new Chunk(out, offsets, !more, null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      report(e);
    } catch (Error e) {
      report(new ConnectException("Replaying a streamed transaction failed: " + e, e));
      throw e;
    }
  }

  /** Hands the failure to the task thread after the chunks built before it. */
  private void report(Exception e) {
    try {
      if (!closed) {
        chunks.put(new Chunk(List.of(), List.of(), false, e));
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next chunk, waiting up to {@code waitNanos} for it; null when none came. */
  Chunk take(long waitNanos) throws InterruptedException {
    return waitNanos <= 0 ? chunks.poll() : chunks.poll(waitNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Stops the thread and waits for it to end, so that the spool it reads may be deleted and the
   * state it wrote is the task thread's again.
   */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    chunks.clear();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
