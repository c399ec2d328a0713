package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.common.KeyChangeHeaders;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.RelationSchemas;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.decoder.Begin;
import io.pgcdc.decoder.Commit;
import io.pgcdc.decoder.Delete;
import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.Message;
import io.pgcdc.decoder.OldTuple;
import io.pgcdc.decoder.Origin;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.PgOutputMessage;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.StreamAbort;
import io.pgcdc.decoder.StreamCommit;
import io.pgcdc.decoder.StreamStart;
import io.pgcdc.decoder.StreamStop;
import io.pgcdc.decoder.Truncate;
import io.pgcdc.decoder.Type;
import io.pgcdc.decoder.Update;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns decoded pgoutput messages into records, in commit order: transactions between Begin and
 * Commit, large transactions that the server streams before they commit (spooled in a {@link
 * TransactionSpool} per xid, replayed on their Stream Commit by a {@link ReplayWorker} on a thread
 * of its own, dropped on Stream Abort), and non-transactional messages. Records the resume offset
 * covers were delivered before a restart and are skipped ({@link SourceOffset#covers}). No I/O of
 * its own: the replication connection is {@link StreamReader}'s; the catalog look-ups behind a
 * Relation message are {@link RelationSchemas}'.
 */
final class TransactionAssembler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionAssembler.class);

  private final String slot;
  private final RelationSchemas schemas;
  private final RecordBuilder records;
  private final OffsetTracker tracker;
  private final PgOutputDecoder decoder;
  private final long spoolBudget;
  private final SourceOffset resumeAfter;
  private final Map<Integer, TransactionSpool> spools = new HashMap<>();

  /** The spool of the open stream block; null outside Stream Start ... Stream Stop. */
  private TransactionSpool streamBlock;

  /** The open transaction (or the streamed one being replayed); null between transactions. */
  private RecordBuilder.Tx tx;

  /** The position of the last change in {@link #tx}: 1, 2, ... */
  private long pos;

  private StreamedReplay replay;
  private SourceOffset lastBuilt;

  /**
   * Builds the records of the streamed transaction being replayed, when there is no observer (see
   * {@link ReplayWorker}); null otherwise, and the records are built on the task thread.
   */
  private ReplayWorker worker;

  /**
   * On the worker's thread while it builds: the offsets of the records built, one per record; the
   * task thread gives those records to the tracker as it hands them out. Null on the task thread.
   */
  private List<SourceOffset> builtOffsets;

  /** The worker's chunk being handed out, and how many of its records are. */
  private ReplayWorker.Chunk current;

  private int currentIndex;

  /** Sees the changes and takes its messages; null when nothing observes the stream. */
  private StreamObserver observer;

  /** A streamed transaction being replayed: its spool, where it is, where it ends. */
  private record StreamedReplay(
      TransactionSpool spool, TransactionSpool.Replay entries, long end) {}

  /**
   * @param slot the slot's name, for errors
   * @param decoder decodes the spooled messages of a streamed transaction when it is replayed
   * @param spoolBudget the bytes of a streamed transaction kept in memory before spilling to disk
   * @param resumeAfter what was delivered before: the committed offset
   */
  TransactionAssembler(
      String slot,
      RelationSchemas schemas,
      RecordBuilder records,
      OffsetTracker tracker,
      PgOutputDecoder decoder,
      long spoolBudget,
      SourceOffset resumeAfter) {
    this.slot = slot;
    this.schemas = schemas;
    this.records = records;
    this.tracker = tracker;
    this.decoder = decoder;
    this.spoolBudget = spoolBudget;
    this.resumeAfter = resumeAfter;
    this.lastBuilt = resumeAfter;
  }

  void observe(StreamObserver observer) {
    this.observer = observer;
  }

  /** Whether the next message comes inside a stream block (and carries its xid). */
  boolean inStreamBlock() {
    return streamBlock != null;
  }

  /** Whether no transaction is open, replayed or streaming: the WAL read so far holds no change. */
  boolean betweenTransactions() {
    return tx == null && replay == null && streamBlock == null;
  }

  /** Whether a streamed transaction is being replayed: {@link #replayNext} gives its records. */
  boolean replaying() {
    return replay != null;
  }

  /**
   * Where a new reader resumes: the offset of the last record built, or the resume offset when none
   * was built yet.
   */
  SourceOffset resumePosition() {
    return lastBuilt;
  }

  /**
   * Takes one message read at {@code lsn}; {@code payload} holds its bytes, spooled when it comes
   * inside a stream block. Adds the records it makes to {@code out}, built at {@code now}.
   */
  void accept(PgOutputMessage m, ByteBuffer payload, long lsn, List<SourceRecord> out, long now)
      throws SQLException {
    if (streamBlock != null && !(m instanceof StreamStop)) {
      streamBlock.append(lsn, payload);
    } else if (m instanceof Begin b) {
      begin(b.finalLsn().value(), b.xid(), b.commitTime().toEpochMilli());
    } else if (m instanceof Commit c) {
      tracker.transactionEnd(c.endLsn().value());
      tx = null;
    } else if (m instanceof StreamStart s) {
      streamBlock = spools.computeIfAbsent(s.xid(), xid -> new TransactionSpool(xid, spoolBudget));
    } else if (m instanceof StreamStop) {
      streamBlock = null;
    } else if (m instanceof StreamCommit c) {
      startReplay(c);
    } else if (m instanceof StreamAbort a) {
      abort(a);
    } else if (m instanceof Message msg && !msg.transactional()) {
      nonTransactional(msg, out, now);
    } else {
      change(m, lsn, out, now);
    }
  }

  /**
   * Adds records of the streamed transaction being replayed to {@code out}: those of the next
   * spooled message, or those the worker has built, until {@code out} holds {@code max}. Without
   * records in {@code out}, waits for the worker until {@code deadlineNanos}. False when the worker
   * has nothing ready: the poll may end.
   */
  boolean replayNext(List<SourceRecord> out, int max, long deadlineNanos) throws SQLException {
    if (worker == null) {
      // ts_ms is when a record is built: read per message, after its data has arrived.
      if (!replayStep(out, System.currentTimeMillis())) {
        endReplay();
      }
      return true;
    }
    if (current == null) {
      try {
        current = worker.take(out.isEmpty() ? deadlineNanos - System.nanoTime() : 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      currentIndex = 0;
      if (current == null) {
        return false;
      }
      if (current.failure() instanceof SQLException e) {
        throw e;
      } else if (current.failure() != null) {
        throw (RuntimeException) current.failure();
      }
    }
    handOut(out, max);
    return true;
  }

  /**
   * Hands out records of the worker's current chunk until {@code out} holds {@code max}; the
   * records of one change (a delete and its tombstone) go out together, since they share an offset.
   * Ends the replay after the last chunk.
   */
  private void handOut(List<SourceRecord> out, int max) {
    List<SourceRecord> rs = current.records();
    List<SourceOffset> offsets = current.offsets();
    while (currentIndex < rs.size()
        && (out.size() < max || offsets.get(currentIndex) == lastBuilt)) {
      SourceRecord r = rs.get(currentIndex);
      tracker.emitted(r);
      out.add(r);
      lastBuilt = offsets.get(currentIndex);
      currentIndex++;
    }
    if (currentIndex >= rs.size()) {
      boolean end = current.end();
      current = null;
      if (end) {
        worker.close(); // its thread has ended, or is ending: it put its last chunk
        worker = null;
        builtOffsets = null;
        log.info(
            "Replayed streamed transaction {} (commit LSN {}) on a thread of its own; JSON"
                + " converted there: {}",
            tx.xid(),
            new Lsn(tx.commitLsn()),
            records.convertsAhead() ? "yes" : "no");
        endReplay();
      }
    }
  }

  /** The worker's step: the records of the next spooled message; false at the end. */
  private boolean workerStep(List<SourceRecord> out, List<SourceOffset> offsets, long now)
      throws SQLException {
    builtOffsets = offsets;
    return replayStep(out, now);
  }

  /** Adds the records of the next spooled message; false when none is left. */
  private boolean replayStep(List<SourceRecord> out, long now) throws SQLException {
    TransactionSpool.Entry e = replay.entries().next();
    if (e == null) {
      return false;
    }
    change(decoder.decode(ByteBuffer.wrap(e.payload()), true), e.lsn(), out, now);
    return true;
  }

  private void endReplay() {
    replay.spool().close();
    tracker.transactionEnd(replay.end());
    replay = null;
    tx = null;
  }

  private void begin(long commitLsn, int xid, long commitMillis) {
    begin(commitLsn, xid, commitMillis, false);
  }

  private void begin(long commitLsn, int xid, long commitMillis, boolean ahead) {
    tx = new RecordBuilder.Tx(commitLsn, Integer.toUnsignedLong(xid), commitMillis, false, ahead);
    pos = 0;
  }

  /**
   * A non-transactional message is decoded where it was written, outside any transaction; its own
   * LSN orders it among the commits, at position 0.
   */
  private void nonTransactional(Message msg, List<SourceRecord> out, long now) {
    long lsn = msg.lsn().value();
    if (Heartbeat.PREFIX.equals(msg.prefix())) {
      tracker.transactionEnd(lsn);
      return;
    }
    if (resumeAfter.covers(lsn, 0)) {
      return;
    }
    if (observer != null && observer.owns(msg.prefix())) {
      observed(msg, lsn, out, now);
      return;
    }
    if (StreamObserver.WATERMARK_PREFIX.equals(msg.prefix())
        || StreamObserver.SIGNAL_PREFIX.equals(msg.prefix())) {
      // another copy's (or an earlier task's) watermark; a signal to another connector
      tracker.transactionEnd(lsn);
      return;
    }
    RecordBuilder.Tx own = new RecordBuilder.Tx(lsn, -1, now, false);
    SourceOffset offset = SourceOffset.stream(lsn, 0);
    SourceRecord r = records.message(msg.prefix(), msg.content(), false, own, lsn, offset, now);
    tracker.emitted(r);
    out.add(r);
    tracker.transactionEnd(lsn);
    lastBuilt = offset;
  }

  /** A message of the observer's: its records go out at its own position, like the message's. */
  private void observed(Message msg, long lsn, List<SourceRecord> out, long now) {
    SourceOffset offset = SourceOffset.stream(lsn, 0);
    List<SourceRecord> made = observer.message(msg.prefix(), msg.content(), lsn, now);
    for (SourceRecord r : made) {
      tracker.emitted(r);
      out.add(r);
    }
    tracker.transactionEnd(lsn);
    if (!made.isEmpty()) {
      lastBuilt = offset;
    }
  }

  private void startReplay(StreamCommit c) {
    TransactionSpool spool = spools.remove(c.xid());
    if (spool == null) {
      spool = new TransactionSpool(c.xid(), 0);
    }
    if (spool.spilledMessages() > 0) {
      log.info(
          "Replaying streamed transaction {} ({} messages spilled to disk)",
          Integer.toUnsignedString(c.xid()),
          spool.spilledMessages());
    }
    replay = new StreamedReplay(spool, spool.replay(), c.endLsn().value());
    // With an observer (a table being copied), the task thread uses the schemas and the observer
    // between polls: the records are built there, as the other transactions' are.
    boolean onWorker = observer == null;
    begin(c.commitLsn().value(), c.xid(), c.commitTime().toEpochMilli(), onWorker);
    if (onWorker) {
      worker =
          new ReplayWorker(
              this::workerStep, "pgcdc-replay-" + slot + "-" + Integer.toUnsignedString(c.xid()));
      worker.start();
    }
  }

  private void abort(StreamAbort a) {
    TransactionSpool spool = spools.get(a.xid());
    if (spool == null) {
      return;
    }
    if (a.isTopLevel()) {
      spools.remove(a.xid()).close();
    } else {
      spool.abortSubtransaction(a.subXid());
    }
  }

  /** One message inside a transaction (or a replayed streamed one). */
  private void change(PgOutputMessage m, long lsn, List<SourceRecord> out, long now)
      throws SQLException {
    if (m instanceof Relation r) {
      schemas.relation(r);
    } else if (m instanceof Type || m instanceof Origin) {
      // Type names are read from the catalog with format_type() when a Relation message uses the
      // type, so a Type message needs no bookkeeping; the origin of a replicated transaction does
      // not change its records.
    } else if (m instanceof Insert i) {
      TableSchema t = schemas.get(i.relationId());
      if (next() && t != null) {
        emit(out, Envelope.OP_CREATE, t, null, TupleRows.row(t, i.newTuple(), null), lsn, now);
      }
    } else if (m instanceof Update u) {
      update(u, lsn, out, now);
    } else if (m instanceof Delete d) {
      TableSchema t = schemas.get(d.relationId());
      if (next() && t != null) {
        RecordBuilder.Row before = TupleRows.row(t, d.oldTuple().values(), null);
        emit(out, Envelope.OP_DELETE, t, before, null, lsn, now);
      }
    } else if (m instanceof Truncate tr) {
      truncate(tr, lsn, out, now);
    } else if (m instanceof Message msg) {
      if (next() && !StreamObserver.WATERMARK_PREFIX.equals(msg.prefix())) {
        built(records.message(msg.prefix(), msg.content(), true, tx, lsn, offset(), now), out);
      }
    } else {
      throw new ConnectException(
          "Unexpected pgoutput message "
              + m.getClass().getSimpleName()
              + " at "
              + new Lsn(lsn)
              + " on slot "
              + slot
              + ": two-phase decoding is not requested; drop and recreate the slot");
    }
  }

  private void truncate(Truncate tr, long lsn, List<SourceRecord> out, long now) {
    for (int relationId : tr.relationIds()) {
      TableSchema t = schemas.get(relationId);
      if (next() && t != null) {
        built(records.truncate(t, tx, lsn, offset(), now), out);
        if (observer != null) {
          observer.truncated(t);
        }
      }
    }
  }

  private void update(Update u, long lsn, List<SourceRecord> out, long now) {
    TableSchema t = schemas.get(u.relationId());
    if (t == null) {
      next();
      return;
    }
    OldTuple old = u.oldTuple().orElse(null);
    RecordBuilder.Row before = old == null ? null : TupleRows.row(t, old.values(), null);
    // Only a full old row (REPLICA IDENTITY FULL) holds the values of unchanged TOAST columns; a
    // key tuple sends NULL for every non-key column, which is no value to fill in.
    RecordBuilder.Row after =
        TupleRows.row(t, u.newTuple(), old == null || old.keyOnly() ? null : before);
    if (before != null && TupleRows.keyChanged(t, before, after)) {
      keyMove(t, before, after, lsn, out, now);
    } else if (next()) {
      emit(out, Envelope.OP_UPDATE, t, before, after, lsn, now);
    }
  }

  /**
   * The row moved to another key: the old key's row is gone (delete, tombstone) and the new key's
   * row appears (create), so that consumers keyed by the primary key stay right. The create carries
   * the old row in {@code before}, so that a consumer (the sink) can move the row and keep the
   * values the update left out; both carry Debezium's headers naming the other key.
   */
  private void keyMove(
      TableSchema t,
      RecordBuilder.Row before,
      RecordBuilder.Row after,
      long lsn,
      List<SourceRecord> out,
      long now) {
    if (next()) {
      int first = out.size();
      emit(out, Envelope.OP_DELETE, t, before, null, lsn, now);
      RecordBuilder.markKeyMove(out.subList(first, out.size()), KeyChangeHeaders.NEW_KEY, t, after);
    }
    if (next()) {
      int first = out.size();
      emit(out, Envelope.OP_CREATE, t, before, after, lsn, now);
      RecordBuilder.markKeyMove(
          out.subList(first, out.size()), KeyChangeHeaders.OLD_KEY, t, before);
    }
  }

  /**
   * Moves to the next position in the transaction; false when the resume offset covers it (it was
   * delivered before the restart).
   */
  private boolean next() {
    if (tx == null) {
      throw new ConnectException(
          "pgoutput row message outside a transaction on slot " + slot + ": protocol error");
    }
    pos++;
    return !resumeAfter.covers(tx.commitLsn(), pos);
  }

  private SourceOffset offset() {
    return SourceOffset.stream(tx.commitLsn(), pos);
  }

  private void emit(
      List<SourceRecord> out,
      String op,
      TableSchema t,
      RecordBuilder.Row before,
      RecordBuilder.Row after,
      long lsn,
      long now) {
    int first = out.size();
    SourceOffset offset = offset();
    records.change(out, op, t, before, after, tx, lsn, offset, now);
    if (observer != null) {
      observer.changed(t, after != null ? after : before);
    }
    built(out, first, offset);
  }

  private void built(SourceRecord r, List<SourceRecord> out) {
    out.add(r);
    built(out, out.size() - 1, offset());
  }

  /**
   * The records of {@code out} from {@code first} on were built, with {@code offset}: on the task
   * thread they are handed out now; on the worker's they are handed out later, with their offset.
   */
  private void built(List<SourceRecord> out, int first, SourceOffset offset) {
    if (builtOffsets != null) {
      for (int i = first; i < out.size(); i++) {
        builtOffsets.add(offset);
      }
      return;
    }
    for (int i = first; i < out.size(); i++) {
      tracker.emitted(out.get(i));
    }
    lastBuilt = offset;
  }

  /** Deletes the spools of transactions still streaming or being replayed. */
  @Override
  public void close() {
    if (worker != null) {
      worker.close(); // before its spool is deleted
      worker = null;
    }
    for (TransactionSpool spool : spools.values()) {
      spool.close();
    }
    spools.clear();
    if (replay != null) {
      replay.spool().close();
      replay = null;
    }
  }
}
