package io.pgcdc.connector.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a row query: an open cursor over its result, read a batch at a time so that memory
 * holds one fetch, and turned into records. Each record's offset is the position after its row; the
 * last one's says the run is done. One row is read ahead to know which is last; the run's {@link
 * #position()} is after the last row handed out, never after one read ahead or in a batch that a
 * failure kept from being handed out, so a run tried again after a failure reads those rows again.
 */
final class RowRun implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RowRun.class);

  /** What one run may read: rows and bytes of text; 0 for no limit. */
  record Limits(long rows, long bytes, int fetchSize) {}

  private final QuerySpec spec;
  private final long fireMillis;
  private final Limits limits;
  private final PreparedStatement statement;
  private final ResultSet rows;
  private final RowRecords records;
  private final int timestampIndex;
  private final int incrementingIndex;
  private final String fingerprint;
  private QueryOffset position;
  private QueryOffset handed;
  private final String newHorizon;
  private Object[] pendingValues;
  private QueryOffset pendingPosition;
  private long read;
  private long bytes;
  private boolean finished;

  RowRun(
      QuerySpec spec,
      long fireMillis,
      Limits limits,
      PreparedStatement statement,
      ResultSet rows,
      RowRecords records,
      QueryOffset position,
      String newHorizon) {
    this.spec = spec;
    this.newHorizon = newHorizon;
    this.fireMillis = fireMillis;
    this.limits = limits;
    this.statement = statement;
    this.rows = rows;
    this.records = records;
    this.fingerprint = spec.fingerprint();
    this.position = position;
    this.handed = position;
    this.timestampIndex =
        spec.mode().usesTimestamp() ? records.indexOf(spec.timestampColumn()) : -1;
    this.incrementingIndex =
        spec.mode().usesIncrementing() ? records.indexOf(spec.incrementingColumn()) : -1;
  }

  /**
   * Opens the cursor of a run at {@code fireMillis}, after {@code position} (null: from the start),
   * below {@code bound} in the timestamp modes; in xmin mode {@code newHorizon} is where the next
   * run reads from.
   */
  static RowRun open(
      Connection c,
      QuerySpec spec,
      long fireMillis,
      QueryOffset position,
      String bound,
      String newHorizon,
      Limits limits,
      ResultColumns columns)
      throws SQLException {
    String sql = RowQuery.sql(spec, RowQuery.continued(spec, position), limits.rows());
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      ps.setFetchSize(limits.fetchSize());
      RowQuery.bind(ps, spec, position, bound);
      ResultSet rs = ps.executeQuery();
      RowRecords records = columns.records(c, spec, rs.getMetaData());
      if (spec.mode() == QueryMode.XMIN) {
        records.indexOf("xmin"); // fails with the columns there are when the query has none
      }
      return new RowRun(spec, fireMillis, limits, ps, rs, records, position, newHorizon);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  boolean finished() {
    return finished;
  }

  /**
   * The position after the last row handed out by {@link #next}: where a run tried again goes on;
   * in xmin mode, the new horizon once finished.
   */
  QueryOffset position() {
    if (spec.mode() == QueryMode.XMIN && finished) {
      return new QueryOffset(fingerprint, fireMillis, true, null, null, newHorizon);
    }
    return handed;
  }

  /**
   * Up to {@code max} records; fewer (maybe none) once the run is finished. When it throws, none of
   * this call's rows count as handed out.
   */
  List<SourceRecord> next(int max) throws SQLException {
    List<SourceRecord> out = new ArrayList<>(Math.min(max, 1024));
    QueryOffset last = handed;
    while (!finished && out.size() < max) {
      Object[] values = readRow();
      if (values == null) {
        finished = true;
        if (pendingValues != null) {
          last = pendingPosition;
          out.add(emit(true));
        }
        break;
      }
      if (pendingValues != null) {
        last = pendingPosition;
        out.add(emit(false));
      }
      pendingValues = values;
      pendingPosition = position;
    }
    handed = last;
    return out;
  }

  private SourceRecord emit(boolean last) {
    String horizon = null;
    if (spec.mode() == QueryMode.XMIN) {
      horizon = last ? newHorizon : position == null ? null : position.horizon();
    }
    QueryOffset at =
        new QueryOffset(
            fingerprint,
            fireMillis,
            last,
            pendingPosition == null ? null : pendingPosition.timestamp(),
            pendingPosition == null ? null : pendingPosition.incrementing(),
            horizon);
    SourceRecord r = records.record(pendingValues, at.toMap(), fireMillis);
    pendingValues = null;
    return r;
  }

  /** The next row's values, or null at the end of the run (the result's, or a limit's). */
  private Object[] readRow() throws SQLException {
    if (!rows.next()) {
      return null;
    }
    int n = rows.getMetaData().getColumnCount();
    String[] texts = new String[n];
    long size = 0;
    for (int i = 0; i < n; i++) {
      texts[i] = rows.getString(i + 1);
      size += texts[i] == null ? 0 : texts[i].length();
    }
    String ts = timestampIndex >= 0 ? texts[timestampIndex] : null;
    if (limitReached() && !continuesTimestamp(ts)) {
      if (spec.mode() == QueryMode.BULK) {
        log.warn(
            "Query {}: run of fire time {} stopped after {} rows ({} bytes), the limit of"
                + " max.rows.per.run or max.bytes.per.run; the rest of its result is left out",
            spec.name(),
            java.time.Instant.ofEpochMilli(fireMillis),
            read,
            bytes);
      }
      return null;
    }
    read++;
    bytes += size;
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      values[i] = records.value(i, texts[i]);
    }
    String id = incrementingIndex >= 0 ? texts[incrementingIndex] : null;
    if (spec.mode() != QueryMode.BULK && spec.mode() != QueryMode.XMIN) {
      position = new QueryOffset(fingerprint, fireMillis, false, ts, id);
    }
    return values;
  }

  private boolean limitReached() {
    return (limits.rows() > 0 && read >= limits.rows())
        || (limits.bytes() > 0 && bytes >= limits.bytes());
  }

  /** In timestamp mode a run ends only between two timestamps: the next run starts after one. */
  private boolean continuesTimestamp(String ts) {
    return spec.mode() == QueryMode.TIMESTAMP
        && position != null
        && Objects.equals(position.timestamp(), ts);
  }

  @Override
  public void close() throws SQLException {
    try {
      rows.close();
    } finally {
      statement.close();
    }
  }
}
