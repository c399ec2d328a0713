package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.RelationSchemas;
import io.pgcdc.connector.types.OutputSettings;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.PgOutputDecoder;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot with pgoutput over a replication connection: opens it at the resume position,
 * hands each message to a {@link TransactionAssembler} that turns committed changes into records,
 * confirms to the server what Kafka has acknowledged, and keeps the slot moving while idle ({@link
 * Heartbeat}).
 */
public final class StreamReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final ConnectionSettings settings;
  private final String slot;
  private final String publication;
  private final int serverVersion;
  private final OffsetTracker tracker;
  private final long statusIntervalNanos;
  private final PgOutputDecoder decoder;
  private final Heartbeat heartbeat;
  private final TransactionAssembler assembler;
  private final long startLsn;

  private Connection connection;
  private PGReplicationStream stream;
  private long lastConfirmed;
  private long lastStatusNanos = System.nanoTime();

  public StreamReader(
      ConnectionSettings settings,
      PostgresSourceConfig config,
      int serverVersion,
      RelationSchemas schemas,
      RecordBuilder records,
      OffsetTracker tracker,
      SourceOffset resumeAfter) {
    this.settings = settings;
    this.slot = config.slotName();
    this.publication = config.publicationName();
    this.serverVersion = serverVersion;
    this.tracker = tracker;
    this.statusIntervalNanos = config.heartbeatInterval().toNanos();
    this.decoder = new PgOutputDecoder(protocolVersion(serverVersion));
    this.lastConfirmed = tracker.confirmable();
    this.heartbeat = new Heartbeat(settings, statusIntervalNanos);
    this.assembler =
        new TransactionAssembler(
            slot, schemas, records, tracker, decoder, config.streamingBufferBytes(), resumeAfter);
    // At the resume position, or at the slot's position if that is later.
    long resume = resumeAfter.lsn();
    this.startLsn = Long.compareUnsigned(resume, lastConfirmed) > 0 ? resume : lastConfirmed;
  }

  /** Lets {@code observer} see the changes and take its messages; before {@link #open}. */
  public void observe(StreamObserver observer) {
    assembler.observe(observer);
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
  public void open() throws SQLException {
    connection = settings.openReplication();
    OutputSettings.apply(connection);
    var builder =
        connection
            .unwrap(PGConnection.class)
            .getReplicationAPI()
            .replicationStream()
            .logical()
            .withSlotName(slot)
            .withStartPosition(LogSequenceNumber.valueOf(startLsn))
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
        new Lsn(startLsn));
  }

  /**
   * Adds records to {@code out} until it holds {@code max} or {@code deadlineNanos} passes with at
   * least one record, or without any when nothing arrives.
   */
  public void poll(List<SourceRecord> out, int max, long deadlineNanos) throws SQLException {
    while (out.size() < max) {
      // ts_ms is when a record is built: read per message, after its data has arrived.
      if (assembler.replaying()) {
        keepAlive();
        if (!assembler.replayNext(out, max, deadlineNanos)) {
          break;
        }
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
      var message = decoder.decode(payload, assembler.inStreamBlock());
      assembler.accept(message, payload, lsn, out, System.currentTimeMillis());
    }
    confirm(false);
  }

  /**
   * Between transactions, with every record acknowledged, the server's WAL position reported in its
   * keepalives holds no change for us: the slot may advance to it.
   */
  private void idle() throws SQLException {
    if (assembler.betweenTransactions()) {
      tracker.idleAt(stream.getLastReceiveLSN().asLong());
      if (serverVersion >= 140000) {
        heartbeat.maybeEmit(lastConfirmed);
      }
    }
  }

  /** Where a new reader resumes: after the last record built. */
  public SourceOffset resumePosition() {
    return assembler.resumePosition();
  }

  /**
   * While a streamed transaction is replayed, nothing is read from the connection, and the driver
   * sends its status updates only from its reads: without one, the server ends the walsender after
   * {@code wal_sender_timeout} (60 s by default), and a replay that long (a 10-million-row
   * transaction takes more than a minute) would end in a reconnect that decodes the transaction
   * again. A status update repeats what was confirmed already.
   */
  private void keepAlive() throws SQLException {
    long nowNanos = System.nanoTime();
    if (nowNanos - lastStatusNanos >= statusIntervalNanos) {
      stream.forceUpdateStatus();
      lastStatusNanos = nowNanos;
    }
  }

  /** Confirms to the server what Kafka has acknowledged; never moves backwards. */
  public void confirm(boolean force) throws SQLException {
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
    assembler.close();
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
