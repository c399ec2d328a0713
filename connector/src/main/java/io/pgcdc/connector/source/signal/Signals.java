package io.pgcdc.connector.source.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.incremental.IncrementalCopy;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.source.stream.StreamObserver;
import io.pgcdc.decoder.Lsn;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the signals in the stream and acts on them, in WAL order, on the task thread: a signal is
 * accepted when its proof is right ({@link SignalProof}), it names this connector's slot, and it
 * was written within {@link #REPLAY_WINDOW} bytes of WAL after it was signed, once; then its tables
 * and condition are checked ({@link SignalChecks}) and the copy ({@link IncrementalCopy}) told. A
 * rejected signal is logged with why, and shown in the progress; it never fails the task. Stands
 * between the stream and the copy: the watermarks and row changes go on to the copy.
 */
public final class Signals implements StreamObserver {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How far (bytes of WAL) a signal's message may be from where it was signed. */
  static final long REPLAY_WINDOW = 64L << 20;

  private static final long STATUS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String slot;
  private final String prefix;
  private final byte[] key;
  private final SignalFunction function;
  private final IncrementalCopy copy;
  private final List<TableId> captured;
  private final ConnectionSettings settings;
  private final Deque<Signal> queued = new ArrayDeque<>();
  private final Set<Long> seen = new HashSet<>();
  private String last;
  private String written;
  private long writtenAt;
  private Connection connection;

  Signals(
      String slot,
      String prefix,
      byte[] key,
      SignalFunction function,
      IncrementalCopy copy,
      List<TableId> captured,
      ConnectionSettings settings) {
    this.slot = slot;
    this.prefix = prefix;
    this.key = key;
    this.function = function;
    this.copy = copy;
    this.captured = List.copyOf(captured);
    this.settings = settings;
  }

  /**
   * Sets up the signal function ({@link SignalFunction#install}) and reads signals for {@code
   * copy}.
   */
  public static Signals install(
      PostgresSourceConfig config,
      Connection c,
      ConnectionSettings settings,
      IncrementalCopy copy,
      List<TableId> captured)
      throws SQLException {
    SignalFunction function = new SignalFunction(config);
    byte[] key = function.install(c, config.signalRoles());
    log.info(
        "Signals with prefix {} are read; {} writes them, executable by the connector's user and {}",
        config.signalPrefix(),
        function.function(),
        config.signalRoles());
    return new Signals(
        config.slotName(), config.signalPrefix(), key, function, copy, captured, settings);
  }

  @Override
  public boolean owns(String messagePrefix) {
    return prefix.equals(messagePrefix) || copy.owns(messagePrefix);
  }

  @Override
  public List<SourceRecord> message(String messagePrefix, byte[] content, long lsn, long now) {
    if (!prefix.equals(messagePrefix)) {
      return copy.message(messagePrefix, content, lsn, now);
    }
    Signal s = read(new String(content, StandardCharsets.UTF_8), lsn);
    if (s != null) {
      log.info("Signal at {}: {}", new Lsn(lsn), s.describe());
      queued.add(s);
    }
    return List.of();
  }

  /** The signal in {@code content}, or null when it is not one for this connector to act on. */
  Signal read(String content, long lsn) {
    String addressedTo = addressedTo(content);
    if (addressedTo != null && !addressedTo.equals(slot)) {
      log.debug("Signal at {} is for slot {}, not this connector's", new Lsn(lsn), addressedTo);
      return null;
    }
    String body = SignalProof.verified(key, content);
    if (body == null) {
      rejected(
          lsn,
          "its proof is not from this connector's signal function: it was written by other means"
              + " (pg_logical_emit_message can be called by any role), so it is ignored");
      return null;
    }
    Signal s;
    try {
      s = Signal.parse(body);
    } catch (IllegalArgumentException e) {
      rejected(lsn, e.getMessage());
      return null;
    }
    long distance = lsn - s.wal();
    if (Long.compareUnsigned(s.wal(), lsn) > 0
        || Long.compareUnsigned(distance, REPLAY_WINDOW) > 0
        || !seen.add(s.wal())) {
      rejected(
          lsn,
          "it was signed at "
              + new Lsn(s.wal())
              + ": it was acted on already (read again after a reconnect), or it is a copy of an"
              + " earlier signal written again; ignored ("
              + s.describe()
              + ")");
      return null;
    }
    return s;
  }

  private static String addressedTo(String content) {
    int nl = content.lastIndexOf('\n');
    try {
      JsonNode node = JSON.readTree(nl < 0 ? content : content.substring(0, nl));
      return node != null && node.path("slot").isTextual() ? node.path("slot").asText() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void rejected(long lsn, String why) {
    last = "signal at " + new Lsn(lsn) + " rejected: " + why;
    log.warn("Signal at {} rejected: {}", new Lsn(lsn), why);
  }

  /** Acts on the signals read since the last step; writes the progress when it changed. */
  public void step() throws SQLException {
    while (!queued.isEmpty()) {
      apply(queued.poll());
    }
    writeStatus();
  }

  private void apply(Signal s) throws SQLException {
    try {
      List<TableId> tables = SignalChecks.tables(s.tables(), captured);
      String done =
          switch (s.action()) {
            case SNAPSHOT -> snapshot(tables, s.condition());
            case STOP -> "stopped " + copy.stop(tables);
            case PAUSE -> {
              copy.pause(true);
              yield "paused";
            }
            case RESUME -> {
              copy.pause(false);
              yield "resumed";
            }
          };
      last = s.describe() + ": " + done;
      log.info("Signal {}: {}", s.describe(), done);
    } catch (IllegalArgumentException e) {
      last = s.describe() + ": rejected: " + e.getMessage();
      log.warn("Signal {} rejected: {}", s.describe(), e.getMessage());
    }
  }

  private String snapshot(List<TableId> tables, String condition) throws SQLException {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("a snapshot signal names no table: name one or more");
    }
    if (condition != null) {
      for (TableId t : tables) {
        SignalChecks.condition(connection(), t, condition);
      }
    }
    List<TableId> queuedNow = copy.copyAgain(tables, condition);
    return "copying "
        + queuedNow
        + (queuedNow.size() < tables.size() ? " (the others already are)" : "");
  }

  /** The progress, as JSON: what the REST extension's GET shows. */
  String status() {
    IncrementalCopy.Progress p = copy.signalProgress();
    ObjectNode node = JSON.createObjectNode();
    node.put("paused", p.paused());
    node.put("table", p.table());
    node.put("condition", p.condition());
    node.put("rows", p.rows());
    node.putPOJO("queued", p.queued());
    node.put("last_signal", last);
    return node.toString();
  }

  private void writeStatus() throws SQLException {
    String now = status();
    long at = System.nanoTime();
    if (now.equals(written) || (written != null && at - writtenAt < STATUS_EVERY_NANOS)) {
      return;
    }
    function.writeStatus(connection(), now);
    written = now;
    writtenAt = at;
  }

  @Override
  public void changed(TableSchema t, RecordBuilder.Row row) {
    copy.changed(t, row);
  }

  @Override
  public void truncated(TableSchema t) {
    copy.truncated(t);
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = settings.open();
      connection.setAutoCommit(true);
    }
    return connection;
  }

  /** The stream broke off, or the task stops: the connection goes; signals read stay queued. */
  public void close() {
    Closeables.closeQuietly(connection);
    connection = null;
  }
}
