package io.pgcdc.connector.source.snapshot;

/**
 * The rows of one table's snapshot, each counted once across a restart. A committed offset keeps
 * the rows of the ranges complete so far ({@link #complete()}); a range a restart interrupted is
 * copied again from its start, so its rows count once it completes, not twice.
 */
final class SnapshotRowCount {
  private final long before;
  private final long[] ofRange;
  private long complete;

  /**
   * @param ranges how many ranges the table is split into
   * @param completeBefore rows of the ranges complete before a restart (from the offset), or 0
   */
  SnapshotRowCount(int ranges, long completeBefore) {
    this.before = completeBefore;
    this.ofRange = new long[ranges];
    this.complete = completeBefore;
  }

  /** A row of {@code range} handed out. */
  void row(int range) {
    ofRange[range]++;
  }

  /** {@code range}'s last row was handed out. */
  void rangeComplete(int range) {
    complete += ofRange[range];
  }

  /** Rows of the complete ranges, those before the restart included: the offset's position. */
  long complete() {
    return complete;
  }

  /** "300000 rows", or after a restart "300000 rows (120000 of them copied before the restart)". */
  String text() {
    return complete
        + " rows"
        + (before > 0 ? " (" + before + " of them copied before the restart)" : "");
  }
}
