package io.pgcdc.connector.source.metrics;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.common.TaskMBeans;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's figures, registered as an MBean ({@link SourceTaskMetricsMXBean}). The task thread
 * feeds it once per poll with plain writes to volatile fields (one writer); a sampler thread asks
 * the server, on a connection of its own, how far the slot is behind and how much WAL it keeps, and
 * warns when that passes {@code slot.retained.wal.warn.bytes}.
 */
public final class SourceMetrics implements SourceTaskMetricsMXBean, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SourceMetrics.class);
  private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long WARN_REPEAT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final ObjectName name;
  private final ConnectionSettings settings;
  private final String slot;
  private final long warnBytes;
  private final ScheduledExecutorService sampler;

  private volatile long eventsTotal;
  private volatile double eventsPerSecond;
  private volatile long millisBehind = -1;
  private volatile long lastChangeLsn;
  private volatile long lagBytes = -1;
  private volatile long retainedWal = -1;
  private volatile String confirmedLsn = "";
  private volatile List<TableId> tables = List.of();
  private final Map<String, Long> snapshotDone = new ConcurrentHashMap<>();
  private final Map<String, Long> estimated = new ConcurrentHashMap<>();
  private volatile Supplier<Map<String, TableCopy>> copies = Map::of;

  // Task thread only.
  private long rateSince = System.nanoTime();
  private long rateEvents;

  // Sampler thread only.
  private Connection connection;
  private boolean sampleFailed;
  private boolean above;
  private long warnedNanos;

  public SourceMetrics(
      String connector,
      ConnectionSettings settings,
      String slot,
      long warnBytes,
      Duration sampleInterval) {
    this.name = objectName(connector);
    this.settings = settings;
    this.slot = slot;
    this.warnBytes = warnBytes;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgcdc-source-metrics-" + connector);
              t.setDaemon(true);
              return t;
            });
    TaskMBeans.register(name, this, SourceTaskMetricsMXBean.class);
    long every = sampleInterval.toMillis();
    sampler.scheduleWithFixedDelay(this::sample, every, every, TimeUnit.MILLISECONDS);
  }

  /** Connect's own task MBeans are {@code kafka.connect:type=source-task-metrics,...}. */
  static ObjectName objectName(String connector) {
    return TaskMBeans.name("source-task-metrics", connector); // one task: a slot has one reader
  }

  /**
   * The copies of tables added while streaming, by table ({@code schema.table}); none by default.
   */
  public void copies(Supplier<Map<String, TableCopy>> progress) {
    copies = progress;
  }

  /** The captured tables, once the task knows them: their row estimates are sampled. */
  public void tables(List<TableId> captured) {
    tables = List.copyOf(captured);
  }

  /**
   * After a snapshot poll: counts the rows by table. Runs on the task thread, which is the serial
   * part of a parallel snapshot: the table is read from a record only where the envelope schema
   * changes (an identity check per record), since all rows of one table share one schema object and
   * no two tables share one.
   */
  public void snapshotPolled(List<SourceRecord> batch) {
    String table = null;
    long run = 0;
    Schema envelope = null;
    for (SourceRecord r : batch) {
      if (!(r.value() instanceof Struct value)) {
        continue;
      }
      if (value.schema() != envelope) {
        addRows(table, run);
        run = 0;
        envelope = value.schema();
        table = tableOf(value);
      }
      run++;
    }
    addRows(table, run);
    counted(batch.size());
  }

  /** schema.table from a change's source block, or null when it has none. */
  private static String tableOf(Struct value) {
    Field sourceField = value.schema().field(Envelope.SOURCE);
    if (sourceField == null || !(value.get(sourceField) instanceof Struct source)) {
      return null;
    }
    Object schema = source.get(Envelope.SCHEMA);
    Object table = source.get(Envelope.TABLE);
    return schema == null || table == null ? null : schema + "." + table;
  }

  private void addRows(String table, long rows) {
    if (table != null && rows > 0) {
      snapshotDone.merge(table, rows, Long::sum);
    }
  }

  /** After a streaming poll: the last change's commit time and LSN give the lag. */
  public void streamPolled(List<SourceRecord> batch) {
    if (!batch.isEmpty()) {
      SourceRecord last = batch.get(batch.size() - 1);
      if (last.value() instanceof Struct value && value.schema().field(Envelope.SOURCE) != null) {
        Struct source = value.getStruct(Envelope.SOURCE);
        millisBehind = Math.max(0, System.currentTimeMillis() - source.getInt64(Envelope.TS_MS));
      }
      if (last.sourceOffset() != null
          && last.sourceOffset().get(SourceOffset.LSN_KEY) instanceof Number lsn) {
        lastChangeLsn = lsn.longValue();
      }
    }
    counted(batch.size());
  }

  private void counted(int records) {
    eventsTotal += records; // one writer: the task thread
    rateEvents += records;
    long now = System.nanoTime();
    if (now - rateSince >= RATE_WINDOW_NANOS) {
      eventsPerSecond = rateEvents * 1e9 / (now - rateSince);
      rateEvents = 0;
      rateSince = now;
    }
  }

  private void sample() {
    try {
      if (connection == null || connection.isClosed()) {
        connection = settings.open();
        connection.setAutoCommit(true);
      }
      sampleSlot();
      sampleEstimates();
      sampleFailed = false;
    } catch (SQLException | RuntimeException e) {
      if (!sampleFailed) {
        log.warn(
            "Could not sample slot {} for metrics (tried again later): {}", slot, e.toString());
      }
      sampleFailed = true;
      closeConnection();
    }
  }

  private void sampleSlot() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT pg_current_wal_lsn()::text, confirmed_flush_lsn::text,"
                + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(2) == null) {
          return; // no slot (yet, or initial_only)
        }
        long current = Lsn.parse(rs.getString(1)).value();
        long confirmed = Lsn.parse(rs.getString(2)).value();
        long read = Long.compareUnsigned(lastChangeLsn, confirmed) > 0 ? lastChangeLsn : confirmed;
        lagBytes = Long.compareUnsigned(current, read) > 0 ? current - read : 0;
        confirmedLsn = rs.getString(2);
        retainedWal = rs.getLong(3);
        warnIfRetainingTooMuch(retainedWal);
      }
    }
  }

  private void warnIfRetainingTooMuch(long retained) {
    long now = System.nanoTime();
    if (warnBytes > 0 && retained > warnBytes) {
      if (!above || now - warnedNanos >= WARN_REPEAT_NANOS) {
        log.warn(
            "Replication slot {} retains {} bytes of WAL on the server, more than"
                + " slot.retained.wal.warn.bytes ({}): the connector reads slower than the"
                + " database writes, or Kafka does not acknowledge its records. Check the task's"
                + " status and the worker's log, and the server's free disk space",
            slot,
            retained,
            warnBytes);
        warnedNanos = now;
      }
      above = true;
    } else if (above) {
      log.info(
          "Replication slot {} retains {} bytes of WAL again, below the warning", slot, retained);
      above = false;
    }
  }

  private void sampleEstimates() throws SQLException {
    for (TableId t : tables) {
      Long known = estimated.get(t.toString());
      if (known != null && known >= 0) {
        continue;
      }
      try (PreparedStatement ps =
          connection.prepareStatement(
              "SELECT CASE WHEN max(c.reltuples) < 0 THEN -1 ELSE sum(greatest(c.reltuples, 0))"
                  + " END::bigint FROM pg_class c WHERE c.relkind <> 'p' AND (c.oid = ?::regclass"
                  + " OR c.oid IN (SELECT relid FROM pg_partition_tree(?::regclass)))")) {
        ps.setString(1, t.quoted());
        ps.setString(2, t.quoted());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            estimated.put(t.toString(), rs.getLong(1));
          }
        }
      }
    }
  }

  private void closeConnection() {
    Closeables.closeQuietly(connection); // only the metrics used this connection
    connection = null;
  }

  /** Stops sampling and unregisters the MBean, unless a newer task registered its own. */
  @Override
  public void close() {
    sampler.shutdown();
    try {
      if (!sampler.awaitTermination(10, TimeUnit.SECONDS)) {
        sampler.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
    TaskMBeans.unregister(name, this);
  }

  @Override
  public long getEventsTotal() {
    return eventsTotal;
  }

  @Override
  public double getEventsPerSecond() {
    return eventsPerSecond;
  }

  @Override
  public long getMillisBehindSource() {
    return millisBehind;
  }

  @Override
  public long getLagBytes() {
    return lagBytes;
  }

  @Override
  public String getLastConfirmedLsn() {
    return confirmedLsn;
  }

  @Override
  public long getRetainedWalBytes() {
    return retainedWal;
  }

  @Override
  public Map<String, Long> getSnapshotRowsDone() {
    return new TreeMap<>(snapshotDone);
  }

  @Override
  public Map<String, Long> getSnapshotRowsEstimated() {
    return new TreeMap<>(estimated);
  }

  @Override
  public Map<String, Long> getIncrementalCopyRowsDone() {
    return copies((t, c) -> c.rows());
  }

  @Override
  public Map<String, String> getIncrementalCopyLastKey() {
    return copies((t, c) -> c.lastKey());
  }

  @Override
  public Map<String, Boolean> getIncrementalCopyDone() {
    return copies((t, c) -> c.done());
  }

  private <V> Map<String, V> copies(BiFunction<String, TableCopy, V> figure) {
    Map<String, V> out = new TreeMap<>();
    copies.get().forEach((t, c) -> out.put(t, figure.apply(t, c)));
    return out;
  }
}
