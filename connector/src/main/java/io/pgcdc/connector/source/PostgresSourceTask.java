package io.pgcdc.connector.source;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.source.incremental.IncrementalCopy;
import io.pgcdc.connector.source.metrics.SourceMetrics;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.SchemaCache;
import io.pgcdc.connector.source.record.TopicNamer;
import io.pgcdc.connector.source.signal.Signals;
import io.pgcdc.connector.source.snapshot.SnapshotReader;
import io.pgcdc.connector.source.stream.StreamReader;
import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.decoder.DecodeException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots the captured tables, then streams their changes. The parts: {@link SnapshotReader},
 * {@link StreamReader} (with its transaction assembler), {@link RecordBuilder}, {@link
 * OffsetTracker}, {@link SchemaCache}; how the task starts (fresh, mid-snapshot, mid-stream) is
 * {@link StartPlan}'s business.
 */
public class PostgresSourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(PostgresSourceTask.class);

  /**
   * COPY text per chunk of a table copied while streaming, and the most rows of a chunk. Chunks are
   * read ahead, so their number costs little; a chunk's records go out at once, ahead of the other
   * tables' changes that follow them, so its size bounds the delay it adds to those. They also live
   * in the worker's heap from their reading to their sending: 512 KiB chunks kept enough of them
   * that the copy spent a quarter of its time in the collector's pauses (docs/performance.md).
   */
  private static final int COPY_CHUNK_BYTES = 256 << 10;

  private static final int COPY_CHUNK_MAX_ROWS = 5_000;

  /** Longest wait of a poll while a table is copied while streaming. */
  private static final long COPY_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Object lock = new Object();
  private volatile boolean stopping;
  private PostgresSourceConfig config;
  private ConnectionSettings settings;
  private StartPlan plan;
  private SchemaCache schemas;
  private RecordBuilder records;
  private OffsetTracker tracker;
  private SnapshotReader snapshot;
  private StreamReader stream;
  private IncrementalCopy copy;
  private Signals signals;
  private SourceMetrics metrics;
  private int failures;
  private long retryAtNanos;
  private final PollStats stats = new PollStats();
  private boolean noTransforms;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new PostgresSourceConfig(props);
    // With no transformation between poll() and the converter, snapshot records may be converted
    // ahead on the reading threads (PreconvertedStruct): nothing can change them in between.
    noTransforms = props.getOrDefault("transforms", "").isBlank();
    settings = config.connection("pgcdc-source-" + config.connectorName());
    metrics =
        new SourceMetrics(
            config.connectorName(),
            settings,
            config.slotName(),
            config.slotRetainedWalWarnBytes(),
            config.heartbeatInterval());
  }

  /**
   * Plans the work (publication, slot, snapshot or not, resume position) on the first poll, so that
   * a server still starting up is retried like any transient error.
   */
  private void prepare() throws SQLException {
    try (Connection c = settings.open()) {
      plan = StartPlan.make(config, c, storedOffset());
    }
    metrics.tables(plan.tables());
    String topicPrefix = config.topicPrefix();
    TopicNamer topics = new TopicNamer(config.topicTemplate(), topicPrefix, settings.database());
    schemas =
        new SchemaCache(
            settings,
            new HashSet<>(plan.tables()),
            config.keyColumns(),
            topics,
            new TypeResolver(config.valueOptions()));
    records =
        new RecordBuilder(
            partition(),
            topicPrefix,
            settings.database(),
            topics.fill(config.messagesTopicTemplate(), null, null),
            config.tombstonesOnDelete(),
            noTransforms);
    tracker = new OffsetTracker(plan.slotConfirmed(), true);
    boolean signalled = config.signalsEnabled() && plan.streams();
    if (signalled || !plan.toCopy().tables().isEmpty()) {
      copy =
          new IncrementalCopy(
              settings,
              config.publicationName(),
              schemas,
              records,
              tracker,
              plan.serverVersion(),
              COPY_CHUNK_BYTES,
              COPY_CHUNK_MAX_ROWS,
              plan.toCopy(),
              Set.copyOf(plan.tables()),
              context.offsetStorageReader().offset(partition()));
      metrics.copies(copy::progress);
    }
    if (signalled && plan.serverVersion() < 140000) {
      throw new ConnectException(
          PostgresSourceConfig.SIGNAL_ENABLED_CONFIG
              + "=true needs PostgreSQL 14 or later (pgoutput sends logical decoding messages"
              + " from 14 on): upgrade, or set it to false");
    }
    log.info("Source task for {} starts: {}", plan.tables(), plan.describe());
  }

  private SourceOffset storedOffset() {
    Map<String, Object> stored = context.offsetStorageReader().offset(partition());
    return stored == null ? null : SourceOffset.fromMap(stored);
  }

  private Map<String, String> partition() {
    return Map.of("slot", config.slotName());
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    synchronized (lock) {
      if (stopping || !backoffOver()) {
        return null;
      }
      List<SourceRecord> batch = new ArrayList<>(Math.min(config.maxBatchSize(), 1024));
      long started = System.nanoTime();
      try {
        if (plan == null) {
          prepare();
        }
        if (plan.snapshotPending()) {
          readSnapshot(batch);
          metrics.snapshotPolled(batch);
        } else if (plan.streams()) {
          readStream(batch);
          metrics.streamPolled(batch);
        } else {
          LockSupport.parkNanos(config.pollInterval().toNanos()); // initial_only: done
        }
        failures = 0;
      } catch (SQLException | UncheckedIOException | RetriableException e) {
        return failed(e, batch);
      }
      stats.polled(batch.size(), System.nanoTime() - started);
      return batch.isEmpty() ? null : batch;
    }
  }

  private void readSnapshot(List<SourceRecord> batch) throws SQLException, InterruptedException {
    if (snapshot == null) {
      snapshot = plan.openSnapshot(settings, schemas, records);
    }
    long deadline = System.nanoTime() + config.pollInterval().toNanos();
    if (!snapshot.poll(batch, config.maxBatchSize(), deadline)) {
      snapshot = null;
      plan.snapshotDone();
    }
  }

  private void readStream(List<SourceRecord> batch) throws SQLException {
    if (signals == null && config.signalsEnabled()) {
      // Here, not in prepare(): a transient failure retries it.
      try (Connection c = settings.open()) {
        signals = Signals.install(config, c, settings, copy, plan.tables());
      }
    }
    if (stream == null) {
      stream =
          new StreamReader(
              settings, config, plan.serverVersion(), schemas, records, tracker, plan.resume());
      if (signals != null) {
        stream.observe(signals);
      } else if (copy != null) {
        stream.observe(copy);
      }
      stream.open();
    }
    long deadline = System.nanoTime() + config.pollInterval().toNanos();
    if (signals != null) {
      signals.step();
    }
    if (copy != null && copy.active()) {
      copy.step();
      // Back soon: the next chunk starts on the next poll.
      deadline = Math.min(deadline, System.nanoTime() + COPY_STEP_NANOS);
    }
    try {
      stream.poll(batch, config.maxBatchSize(), deadline);
    } catch (DecodeException e) {
      throw new ConnectException(
          "Could not decode a pgoutput message from slot "
              + config.slotName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A transient error (lost connection, server restart) closes the readers and retries after the
   * backoff; the stream resumes after the last record built, the snapshot from the table it was
   * copying (with a new snapshot: the stream replays what changed since the slot's position, so
   * rows are repeated, never lost). Anything else fails the task with what happened.
   */
  private List<SourceRecord> failed(Exception e, List<SourceRecord> batch) {
    if (!(e instanceof RetriableException) && !PgErrors.isTransient(e)) {
      closeReaders();
      throw new ConnectException(
          "Source on " + settings.describe() + " failed: " + e.getMessage(), e);
    }
    if (++failures > config.maxRetries()) {
      closeReaders();
      throw new ConnectException(
          "Source on "
              + settings.describe()
              + " failed "
              + failures
              + " times in a row, giving up ("
              + PostgresSourceConfig.MAX_RETRIES_CONFIG
              + "): "
              + e.getMessage(),
          e);
    }
    Duration wait = reconnectBackoff().after(failures - 1);
    log.warn("Transient error, reconnecting in {}: {}", wait, e.toString());
    if (snapshot != null) {
      plan.snapshotInterrupted(snapshot.progress());
    }
    if (stream != null && plan != null) {
      plan.streamInterrupted(stream.resumePosition());
    }
    closeReaders();
    retryAtNanos = System.nanoTime() + wait.toNanos();
    // Records built before the error are complete: hand them out; the readers resume after them.
    return batch.isEmpty() ? null : batch;
  }

  /** The same wait before every reconnect: {@link PostgresSourceConfig#RETRY_BACKOFF_CONFIG}. */
  private Backoff reconnectBackoff() {
    return new Backoff(config.retryBackoff(), config.retryBackoff());
  }

  private boolean backoffOver() {
    long wait = retryAtNanos - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(500)));
      return retryAtNanos - System.nanoTime() <= 0;
    }
    return true;
  }

  /** Logs, once a minute, how many records the polls returned and how long they took. */
  private static final class PollStats {
    private long records;
    private long polls;
    private long nanos;
    private long since = System.nanoTime();

    void polled(int count, long pollNanos) {
      records += count;
      polls++;
      nanos += pollNanos;
      long now = System.nanoTime();
      if (now - since >= TimeUnit.MINUTES.toNanos(1)) {
        log.info(
            "{} records in {} polls over {} s; {} ms inside poll()",
            records,
            polls,
            TimeUnit.NANOSECONDS.toSeconds(now - since),
            TimeUnit.NANOSECONDS.toMillis(nanos));
        records = 0;
        polls = 0;
        nanos = 0;
        since = now;
      }
    }
  }

  @Override
  public void commitRecord(SourceRecord record, RecordMetadata metadata) {
    if (tracker != null) {
      tracker.acknowledged(record);
    }
  }

  /**
   * Offsets (with exactly-once support: the transaction holding records and offsets) are committed:
   * what was acknowledged so far may now be confirmed to the slot.
   */
  @Override
  public void commit() {
    if (tracker != null) {
      tracker.committed();
    }
  }

  @Override
  public void stop() {
    stopping = true;
    synchronized (lock) {
      closeReaders();
      if (schemas != null) {
        schemas.close();
      }
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  private void closeReaders() {
    if (copy != null) {
      copy.reset();
    }
    if (signals != null) {
      signals.close();
    }
    if (snapshot != null) {
      snapshot.close();
      snapshot = null;
    }
    if (stream != null) {
      try {
        stream.confirm(true);
      } catch (SQLException | RuntimeException e) {
        log.debug("Final status update failed: {}", e.toString());
      }
      stream.close();
      stream = null;
    }
  }
}
