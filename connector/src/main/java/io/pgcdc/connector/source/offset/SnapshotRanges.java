package io.pgcdc.connector.source.offset;

import java.util.BitSet;

/**
 * How one table is split for the snapshot, and which of its parts are copied: range {@code i} holds
 * the rows whose {@code ctid} block lies in {@code [i * blocksPerRange, (i + 1) * blocksPerRange)};
 * the first range has no lower bound and the last none above, so that together they hold every row,
 * also of a table that grew since it was split. One range ({@code count} 1) is the whole table with
 * no condition.
 *
 * @param blocksPerRange heap blocks per range
 * @param count number of ranges, at least 1
 * @param done the ranges whose every row was delivered (bits 0 to count - 1)
 */
public record SnapshotRanges(long blocksPerRange, int count, BitSet done) {

  /** Below this many blocks per range (8 kB each), another range costs more than it helps. */
  static final long MIN_BLOCKS_PER_RANGE = 64;

  /** Ranges per reading thread: the fast threads take more, and a resumed snapshot skips more. */
  static final int RANGES_PER_THREAD = 4;

  public SnapshotRanges {
    if (count < 1 || blocksPerRange < 1) {
      throw new IllegalArgumentException(
          "snapshot ranges: count " + count + ", blocks " + blocksPerRange);
    }
    done = (BitSet) done.clone();
  }

  /**
   * Splits a table of {@code blocks} heap blocks for {@code threads} readers. A TID range scan
   * (reading only the blocks of a ctid range) exists from PostgreSQL 14; before, each range would
   * scan the whole table, so the table is one range there.
   */
  public static SnapshotRanges split(long blocks, int threads, int serverVersion) {
    if (serverVersion < 140000 || blocks < 2 * MIN_BLOCKS_PER_RANGE) {
      return new SnapshotRanges(Math.max(1, blocks), 1, new BitSet());
    }
    long wanted = (long) threads * RANGES_PER_THREAD;
    long perRange = Math.max(MIN_BLOCKS_PER_RANGE, (blocks + wanted - 1) / wanted);
    int count = (int) Math.min(wanted, (blocks + perRange - 1) / perRange);
    return new SnapshotRanges(perRange, Math.max(1, count), new BitSet());
  }

  @Override
  public BitSet done() {
    return (BitSet) done.clone();
  }

  public boolean isDone(int range) {
    return done.get(range);
  }

  public boolean allDone() {
    return done.cardinality() >= count;
  }

  public SnapshotRanges withDone(int range) {
    BitSet d = (BitSet) done.clone();
    d.set(range);
    return new SnapshotRanges(blocksPerRange, count, d);
  }

  /** The WHERE clause that selects range {@code i}, or "" for a table in one range. */
  public String condition(int i) {
    String lower = i == 0 ? null : "ctid >= '(" + (i * blocksPerRange) + ",0)'::tid";
    String upper = i == count - 1 ? null : "ctid < '(" + ((i + 1) * blocksPerRange) + ",0)'::tid";
    if (lower == null && upper == null) {
      return "";
    }
    return " WHERE " + (lower == null ? upper : upper == null ? lower : lower + " AND " + upper);
  }

  /** The done ranges as text for the offset: "0-3,5" (ascending runs), "" for none. */
  public String doneText() {
    StringBuilder b = new StringBuilder();
    for (int i = done.nextSetBit(0); i >= 0; ) {
      int end = done.nextClearBit(i) - 1;
      b.append(b.length() == 0 ? "" : ",").append(i);
      if (end > i) {
        b.append('-').append(end);
      }
      i = done.nextSetBit(end + 1);
    }
    return b.toString();
  }

  /** Which ranges are complete, for the log line of a resumed snapshot. */
  public String resumeText() {
    int done = this.done.cardinality();
    if (done == 0) {
      return "none of its " + count + " ranges is complete, all are copied from their start";
    }
    if (done == count) {
      return "all " + count + " ranges are complete";
    }
    return "ranges "
        + doneText()
        + " of "
        + count
        + " are complete, the other "
        + (count - done)
        + " are copied from their start";
  }

  /** Parses {@link #doneText()}; throws {@link IllegalArgumentException} on anything else. */
  static BitSet parseDone(String text, int count) {
    BitSet d = new BitSet(count);
    if (text.isEmpty()) {
      return d;
    }
    for (String part : text.split(",", -1)) {
      int dash = part.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
      if (from < 0 || to < from || to >= count) {
        throw new IllegalArgumentException("range " + part + " outside 0.." + (count - 1));
      }
      d.set(from, to + 1);
    }
    return d;
  }
}
