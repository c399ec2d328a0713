package io.pgcdc.connector.source.offset;

import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Where a record sits in the change history, as Connect stores it. While streaming: the commit LSN
 * of the record's transaction and the record's position in it (1, 2, ...), so that records of one
 * transaction, which share an LSN, are told apart. While snapshotting: the slot's consistent point,
 * the table being copied, the rows of its complete ranges, and how it is split into ranges and
 * which of them are complete. Tables before {@code table} (in the task's table order) are complete,
 * those after it not begun.
 *
 * @param phase what the task was doing
 * @param lsn commit LSN (stream) or the snapshot's consistent point (snapshot), as unsigned bits
 * @param pos position in the transaction (stream) or rows of {@code table}'s complete ranges
 *     (snapshot: a range a restart interrupts is copied again, its rows count once)
 * @param table the table being copied, schema.table; null while streaming
 * @param ranges how {@code table} is split and which ranges are complete; null when not known (an
 *     offset of an earlier version: the table is copied from its start)
 */
public record SourceOffset(Phase phase, long lsn, long pos, String table, SnapshotRanges ranges) {

  public static final String LSN_KEY = "lsn";
  static final String POS_KEY = "pos";
  static final String SNAPSHOT_KEY = "snapshot";
  static final String TABLE_KEY = "snapshot_table";
  static final String RANGE_BLOCKS_KEY = "snapshot_range_blocks";
  static final String RANGES_KEY = "snapshot_ranges";
  static final String DONE_KEY = "snapshot_done";

  /** The part of the history an offset points into. */
  public enum Phase {
    /** Copying the tables; {@code table} is being copied. */
    SNAPSHOT,
    /** The snapshot is complete; streaming starts at {@code lsn}. */
    SNAPSHOT_DONE,
    /** Streaming; every record up to ({@code lsn}, {@code pos}) was delivered. */
    STREAM
  }

  public static SourceOffset stream(long commitLsn, long pos) {
    return new SourceOffset(Phase.STREAM, commitLsn, pos, null, null);
  }

  public static SourceOffset snapshot(long consistentPoint, String table, long rows) {
    return new SourceOffset(Phase.SNAPSHOT, consistentPoint, rows, table, null);
  }

  public static SourceOffset snapshot(
      long consistentPoint, String table, long rows, SnapshotRanges ranges) {
    return new SourceOffset(Phase.SNAPSHOT, consistentPoint, rows, table, ranges);
  }

  public static SourceOffset snapshotDone(long consistentPoint) {
    return new SourceOffset(Phase.SNAPSHOT_DONE, consistentPoint, 0, null, null);
  }

  /**
   * The resume rule: whether a streamed record at ({@code commitLsn}, {@code position}) was
   * delivered before this offset was stored, so that a reader resuming here skips it. A
   * non-transactional message sits at its own LSN, position 0.
   *
   * <ul>
   *   <li>{@link Phase#STREAM}: every record up to ({@code lsn}, {@code pos}) was delivered.
   *   <li>{@link Phase#SNAPSHOT} and {@link Phase#SNAPSHOT_DONE}: {@code lsn} is the point the
   *       snapshot read at; what committed before it is in the snapshot, what committed at or after
   *       it is not.
   * </ul>
   */
  public boolean covers(long commitLsn, long position) {
    int c = Long.compareUnsigned(commitLsn, lsn);
    return c < 0 || (c == 0 && phase == Phase.STREAM && position <= pos);
  }

  public Map<String, Object> toMap() {
    // Once per record: immutable maps are the cheapest to build.
    return switch (phase) {
      case STREAM -> Map.of(LSN_KEY, lsn, POS_KEY, pos);
      case SNAPSHOT_DONE -> Map.of(LSN_KEY, lsn, POS_KEY, pos, SNAPSHOT_KEY, "last");
      case SNAPSHOT ->
          ranges == null
              ? Map.of(LSN_KEY, lsn, POS_KEY, pos, SNAPSHOT_KEY, "true", TABLE_KEY, table)
              : Map.of(
                  LSN_KEY,
                  lsn,
                  POS_KEY,
                  pos,
                  SNAPSHOT_KEY,
                  "true",
                  TABLE_KEY,
                  table,
                  RANGE_BLOCKS_KEY,
                  ranges.blocksPerRange(),
                  RANGES_KEY,
                  (long) ranges.count(),
                  DONE_KEY,
                  ranges.doneText());
    };
  }

  /** Reads a stored offset; throws a {@link ConnectException} naming the bad key. */
  public static SourceOffset fromMap(Map<String, ?> map) {
    long lsn = number(map, LSN_KEY);
    long pos = number(map, POS_KEY);
    Object snapshot = map.get(SNAPSHOT_KEY);
    if (snapshot == null) {
      return stream(lsn, pos);
    }
    if ("last".equals(snapshot)) {
      return snapshotDone(lsn);
    }
    if (!"true".equals(snapshot)) {
      throw bad(SNAPSHOT_KEY, "\"true\", \"last\" or absent", snapshot);
    }
    Object table = map.get(TABLE_KEY);
    if (!(table instanceof String name) || name.isEmpty()) {
      throw bad(TABLE_KEY, "the schema.table being copied", table);
    }
    if (map.get(RANGES_KEY) == null) {
      return snapshot(lsn, name, pos);
    }
    long count = number(map, RANGES_KEY);
    long blocks = number(map, RANGE_BLOCKS_KEY);
    if (count < 1 || count > Integer.MAX_VALUE || blocks < 1) {
      throw bad(RANGES_KEY + "/" + RANGE_BLOCKS_KEY, "positive numbers", count + "/" + blocks);
    }
    Object done = map.get(DONE_KEY);
    if (!(done instanceof String text)) {
      throw bad(DONE_KEY, "the complete ranges, as \"0-3,5\"", done);
    }
    try {
      return snapshot(
          lsn,
          name,
          pos,
          new SnapshotRanges(blocks, (int) count, SnapshotRanges.parseDone(text, (int) count)));
    } catch (IllegalArgumentException e) {
      throw bad(DONE_KEY, "the complete ranges, as \"0-3,5\" (" + e.getMessage() + ")", done);
    }
  }

  private static long number(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (!(value instanceof Number n)) {
      throw bad(key, "a number", value);
    }
    return n.longValue();
  }

  private static ConnectException bad(String key, String expected, Object got) {
    return new ConnectException(
        "Stored source offset key '"
            + key
            + "': expected "
            + expected
            + ", got "
            + (got == null ? "nothing" : "'" + got + "'")
            + ". The offset was not written by this connector version; reset the connector's"
            + " offsets (DELETE /connectors/<name>/offsets while it is stopped) to start over.");
  }
}
