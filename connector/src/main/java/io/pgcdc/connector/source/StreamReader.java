package io.pgcdc.connector.source;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
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
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.Type;
import io.pgcdc.decoder.Update;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot with pgoutput and turns committed changes into records, in commit order. Large
 * transactions that the server streams before they commit are spooled ({@link TransactionSpool})
 * and replayed on their Stream Commit. Records at or before the resume position (commit LSN,
 * position in the transaction) were delivered before a restart and are skipped.
 */
final class StreamReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final ConnectionSettings settings;
  private final String slot;
  private final String publication;
  private final int serverVersion;
  private final SchemaCache schemas;
  private final RecordBuilder records;
  private final OffsetTracker tracker;
  private final long spoolBudget;
  private final long statusIntervalNanos;
  private final PgOutputDecoder decoder;
  private final Heartbeat heartbeat;
  private final Map<Integer, TransactionSpool> spools = new HashMap<>();

  private Connection connection;
  private PGReplicationStream stream;
  private long skipLsn;
  private long skipPos;
  private boolean skipStream;
  private boolean inStreamBlock;
  private TransactionSpool streamBlock;
  private RecordBuilder.Tx tx;
  private long pos;
  private TransactionSpool replaying;
  private TransactionSpool.Replay replay;
  private long replayEndLsn;
  private long lastConfirmed;
  private long lastStatusNanos = System.nanoTime();

  StreamReader(
      ConnectionSettings settings,
      PostgresSourceConfig config,
      int serverVersion,
      SchemaCache schemas,
      RecordBuilder records,
      OffsetTracker tracker,
      SourceOffset resumeAfter) {
    this.settings = settings;
    this.slot = config.slotName();
    this.publication = config.publicationName();
    this.serverVersion = serverVersion;
    this.schemas = schemas;
    this.records = records;
    this.tracker = tracker;
    this.spoolBudget = config.streamingBufferBytes();
    this.statusIntervalNanos = config.heartbeatInterval().toNanos();
    this.decoder = new PgOutputDecoder(protocolVersion(serverVersion));
    this.skipLsn = resumeAfter.lsn();
    this.skipPos = resumeAfter.pos();
    this.skipStream = resumeAfter.phase() == SourceOffset.Phase.STREAM;
    this.lastConfirmed = tracker.confirmable();
    this.heartbeat = new Heartbeat(settings, statusIntervalNanos);
  }

  /** The highest pgoutput protocol the server speaks: 1 (12-13), 2 (14), 3 (15), 4 (16+). */
  static int protocolVersion(int serverVersion) {
    if (serverVersion >= 160000) {
      return 4;
    }
    if (serverVersion >= 150000) {
      return 3;
    }
    return serverVersion >= 140000 ? 2 : 1;
  }

  /** Starts replication at the resume position, or at the slot's position if that is later. */
  void open() throws SQLException {
    long start = Long.compareUnsigned(skipLsn, lastConfirmed) > 0 ? skipLsn : lastConfirmed;
    connection = settings.openReplication();
    Catalog.setOutputSettings(connection);
    var builder =
        connection
            .unwrap(PGConnection.class)
            .getReplicationAPI()
            .replicationStream()
            .logical()
            .withSlotName(slot)
            .withStartPosition(LogSequenceNumber.valueOf(start))
            .withSlotOption("proto_version", decoder.protocolVersion())
            .withSlotOption("publication_names", publication)
            .withStatusInterval(
                (int) Math.max(1, statusIntervalNanos / 1_000_000), TimeUnit.MILLISECONDS)
            .withAutomaticFlush(false);
    if (serverVersion >= 140000) {
      builder.withSlotOption("streaming", "on").withSlotOption("messages", true);
    }
    stream = builder.start();
    log.info(
        "Streaming slot {} (publication {}, pgoutput protocol {}) from {}",
        slot,
        publication,
        decoder.protocolVersion(),
        new Lsn(start));
  }

  /**
   * Adds records to {@code out} until it holds {@code max} or {@code deadlineNanos} passes with at
   * least one record, or without any when nothing arrives.
   */
  void poll(List<SourceRecord> out, int max, long deadlineNanos) throws SQLException {
    while (out.size() < max) {
      // ts_ms is when a record is built: read per message, after its data has arrived.
      if (replay != null) {
        replayNext(out, System.currentTimeMillis());
        continue;
      }
      ByteBuffer payload = stream.readPending();
      if (payload == null) {
        idle();
        if (!out.isEmpty() || System.nanoTime() - deadlineNanos >= 0) {
          break;
        }
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      long lsn = stream.getLastReceiveLSN().asLong();
      handle(decoder.decode(payload, inStreamBlock), payload, lsn, out, System.currentTimeMillis());
    }
    confirm(false);
  }

  private void handle(
      PgOutputMessage m, ByteBuffer payload, long lsn, List<SourceRecord> out, long now)
      throws SQLException {
    if (inStreamBlock && !(m instanceof StreamStop)) {
      streamBlock.append(lsn, payload);
      return;
    }
    if (m instanceof Begin b) {
      tx =
          new RecordBuilder.Tx(
              b.finalLsn().value(),
              Integer.toUnsignedLong(b.xid()),
              b.commitTime().toEpochMilli(),
              false);
      pos = 0;
    } else if (m instanceof Commit c) {
      tracker.transactionEnd(c.endLsn().value());
      tx = null;
    } else if (m instanceof StreamStart s) {
      inStreamBlock = true;
      streamBlock = spools.computeIfAbsent(s.xid(), xid -> new TransactionSpool(xid, spoolBudget));
    } else if (m instanceof StreamStop) {
      inStreamBlock = false;
      streamBlock = null;
    } else if (m instanceof StreamCommit c) {
      startReplay(c);
    } else if (m instanceof StreamAbort a) {
      abort(a);
    } else if (m instanceof Message msg && (msg.flags() & 1) == 0) {
      nonTransactional(msg, out, now);
    } else {
      change(m, tx, lsn, out, now);
    }
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
    if (skipStream && Long.compareUnsigned(lsn, skipLsn) <= 0) {
      return;
    }
    skipStream = false;
    RecordBuilder.Tx own = new RecordBuilder.Tx(lsn, -1, now, false);
    SourceRecord r =
        records.message(
            msg.prefix(), msg.content(), false, own, lsn, SourceOffset.stream(lsn, 0), now);
    tracker.emitted(r);
    out.add(r);
    tracker.transactionEnd(lsn);
    skipLsn = lsn;
    skipPos = 0;
  }

  private void startReplay(StreamCommit c) {
    replaying = spools.remove(c.xid());
    if (replaying == null) {
      replaying = new TransactionSpool(c.xid(), 0);
    }
    if (replaying.spilledMessages() > 0) {
      log.info(
          "Replaying streamed transaction {} ({} messages spilled to disk)",
          Integer.toUnsignedString(c.xid()),
          replaying.spilledMessages());
    }
    replay = replaying.replay();
    replayEndLsn = c.endLsn().value();
    tx =
        new RecordBuilder.Tx(
            c.commitLsn().value(),
            Integer.toUnsignedLong(c.xid()),
            c.commitTime().toEpochMilli(),
            false);
    pos = 0;
  }

  private void replayNext(List<SourceRecord> out, long now) throws SQLException {
    TransactionSpool.Entry e = replay.next();
    if (e == null) {
      replaying.close();
      replaying = null;
      replay = null;
      tracker.transactionEnd(replayEndLsn);
      tx = null;
      return;
    }
    change(decoder.decode(ByteBuffer.wrap(e.payload()), true), tx, e.lsn(), out, now);
  }

  private void abort(StreamAbort a) {
    TransactionSpool spool = spools.get(a.xid());
    if (spool == null) {
      return;
    }
    if (a.subXid() == a.xid()) {
      spools.remove(a.xid()).close();
    } else {
      spool.abortSubtransaction(a.subXid());
    }
  }

  /** One message inside a transaction (or a replayed streamed one). */
  private void change(
      PgOutputMessage m, RecordBuilder.Tx tx, long lsn, List<SourceRecord> out, long now)
      throws SQLException {
    if (m instanceof Relation r) {
      schemas.relation(r);
    } else if (m instanceof Type || m instanceof Origin) {
      // Type names are read from the catalog with format_type() when a Relation message uses the
      // type, so a Type message needs no bookkeeping; the origin of a replicated transaction does
      // not change its records.
    } else if (m instanceof Insert i) {
      TableSchema t = schemas.get(i.relationId());
      if (next(tx) && t != null) {
        emit(out, Envelope.OP_CREATE, t, null, row(t, i.newTuple(), null), tx, lsn, now);
      }
    } else if (m instanceof Update u) {
      update(u, tx, lsn, out, now);
    } else if (m instanceof Delete d) {
      TableSchema t = schemas.get(d.relationId());
      if (next(tx) && t != null) {
        emit(out, Envelope.OP_DELETE, t, row(t, d.oldTuple().values(), null), null, tx, lsn, now);
      }
    } else if (m instanceof Truncate tr) {
      for (int relationId : tr.relationIds()) {
        TableSchema t = schemas.get(relationId);
        if (next(tx) && t != null) {
          SourceRecord r = records.truncate(t, tx, lsn, offset(tx), now);
          tracker.emitted(r);
          out.add(r);
        }
      }
    } else if (m instanceof Message msg) {
      if (next(tx)) {
        SourceRecord r =
            records.message(msg.prefix(), msg.content(), true, tx, lsn, offset(tx), now);
        tracker.emitted(r);
        out.add(r);
        skipLsn = tx.commitLsn();
        skipPos = pos;
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

  private void update(Update u, RecordBuilder.Tx tx, long lsn, List<SourceRecord> out, long now) {
    TableSchema t = schemas.get(u.relationId());
    if (t == null) {
      next(tx);
      return;
    }
    OldTuple old = u.oldTuple().orElse(null);
    RecordBuilder.Row before = old == null ? null : row(t, old.values(), null);
    // Only a full old row (REPLICA IDENTITY FULL) holds the values of unchanged TOAST columns; a
    // key tuple sends NULL for every non-key column, which is no value to fill in.
    RecordBuilder.Row after = row(t, u.newTuple(), old == null || old.keyOnly() ? null : before);
    if (before != null && keyChanged(t, before, after)) {
      keyMove(t, before, after, tx, lsn, out, now);
      return;
    }
    if (next(tx)) {
      emit(out, Envelope.OP_UPDATE, t, before, after, tx, lsn, now);
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
      RecordBuilder.Tx tx,
      long lsn,
      List<SourceRecord> out,
      long now) {
    if (next(tx)) {
      int first = out.size();
      emit(out, Envelope.OP_DELETE, t, before, null, tx, lsn, now);
      RecordBuilder.markKeyMove(out.subList(first, out.size()), Envelope.NEW_KEY_HEADER, t, after);
    }
    if (next(tx)) {
      int first = out.size();
      emit(out, Envelope.OP_CREATE, t, before, after, tx, lsn, now);
      RecordBuilder.markKeyMove(out.subList(first, out.size()), Envelope.OLD_KEY_HEADER, t, before);
    }
  }

  private static boolean keyChanged(
      TableSchema t, RecordBuilder.Row before, RecordBuilder.Row after) {
    for (int k : t.keyColumns) {
      if (before.omitted.get(k) || after.omitted.get(k)) {
        continue;
      }
      Object b = before.values[k];
      Object a = after.values[k];
      boolean same =
          b instanceof byte[] bb && a instanceof byte[] ab
              ? java.util.Arrays.equals(bb, ab)
              : java.util.Objects.equals(b, a);
      if (!same) {
        return true;
      }
    }
    return false;
  }

  /** Moves to the next position in the transaction; false when it was delivered already. */
  private boolean next(RecordBuilder.Tx tx) {
    if (tx == null) {
      throw new ConnectException(
          "pgoutput row message outside a transaction on slot " + slot + ": protocol error");
    }
    pos++;
    if (!skipStream) {
      return true;
    }
    int c = Long.compareUnsigned(tx.commitLsn(), skipLsn);
    if (c < 0 || (c == 0 && pos <= skipPos)) {
      return false;
    }
    skipStream = false;
    return true;
  }

  private SourceOffset offset(RecordBuilder.Tx tx) {
    return SourceOffset.stream(tx.commitLsn(), pos);
  }

  private void emit(
      List<SourceRecord> out,
      String op,
      TableSchema t,
      RecordBuilder.Row before,
      RecordBuilder.Row after,
      RecordBuilder.Tx tx,
      long lsn,
      long now) {
    int first = out.size();
    records.change(out, op, t, before, after, tx, lsn, offset(tx), now);
    for (int i = first; i < out.size(); i++) {
      tracker.emitted(out.get(i));
    }
    skipLsn = tx.commitLsn();
    skipPos = pos;
  }

  /**
   * Converts a tuple. An unchanged TOASTed value is taken from {@code before} when the old row
   * carries it (REPLICA IDENTITY FULL); otherwise the column is omitted from the row.
   */
  private static RecordBuilder.Row row(
      TableSchema t, List<TupleValue> tuple, RecordBuilder.Row before) {
    int n = t.columns.size();
    if (tuple.size() != n) {
      throw new ConnectException(
          "Table "
              + t.table
              + ": a change carries "
              + tuple.size()
              + " columns, its Relation message "
              + n
              + "; the stream is inconsistent, restart the task");
    }
    Object[] values = new Object[n];
    BitSet omitted = RecordBuilder.Row.COMPLETE;
    for (int i = 0; i < n; i++) {
      TupleValue v = tuple.get(i);
      if (v instanceof TupleValue.Text text) {
        try {
          values[i] = t.columns.get(i).value(text.text());
        } catch (org.apache.kafka.connect.errors.DataException e) {
          throw new org.apache.kafka.connect.errors.DataException(
              "Table " + t.table + " " + e.getMessage(), e);
        }
      } else if (v instanceof TupleValue.UnchangedToast) {
        if (before != null && !before.omitted.get(i)) {
          values[i] = before.values[i];
        } else {
          if (omitted == RecordBuilder.Row.COMPLETE) {
            omitted = new BitSet(n);
          }
          omitted.set(i);
        }
      } else if (v instanceof TupleValue.Binary) {
        throw new ConnectException(
            "Table "
                + t.table
                + " column "
                + t.columns.get(i).name()
                + ": binary value, but binary mode is not requested");
      }
    }
    return new RecordBuilder.Row(values, omitted);
  }

  /**
   * Between transactions, with every record acknowledged, the server's WAL position reported in its
   * keepalives holds no change for us: the slot may advance to it.
   */
  private void idle() throws SQLException {
    if (tx == null && replay == null && !inStreamBlock) {
      tracker.idleAt(stream.getLastReceiveLSN().asLong());
      if (serverVersion >= 140000) {
        heartbeat.maybeEmit(lastConfirmed);
      }
    }
  }

  /** Where a new reader resumes: after the last record built. */
  SourceOffset resumePosition() {
    return SourceOffset.stream(skipLsn, skipPos);
  }

  /** Confirms to the server what Kafka has acknowledged; never moves backwards. */
  void confirm(boolean force) throws SQLException {
    long confirmable = tracker.confirmable();
    boolean advanced = Long.compareUnsigned(confirmable, lastConfirmed) > 0;
    long nowNanos = System.nanoTime();
    if (advanced) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(confirmable);
      stream.setFlushedLSN(lsn);
      stream.setAppliedLSN(lsn);
      lastConfirmed = confirmable;
    }
    if ((advanced || force) && (force || nowNanos - lastStatusNanos >= statusIntervalNanos / 4)) {
      stream.forceUpdateStatus();
      lastStatusNanos = nowNanos;
    }
  }

  @Override
  public void close() {
    heartbeat.close();
    for (TransactionSpool spool : spools.values()) {
      spool.close();
    }
    spools.clear();
    if (replaying != null) {
      replaying.close();
      replaying = null;
      replay = null;
    }
    try {
      if (stream != null && !stream.isClosed()) {
        stream.close();
      }
    } catch (SQLException e) {
      // The connection is closed next; the server ends the walsender either way.
    }
    Closeables.closeQuietly(connection);
    stream = null;
    connection = null;
  }
}
