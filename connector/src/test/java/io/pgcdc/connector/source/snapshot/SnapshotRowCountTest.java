package io.pgcdc.connector.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotRowCountTest {
  @Test
  void rowsOfARangeCountOnceItIsComplete() {
    SnapshotRowCount count = new SnapshotRowCount(3, 0);
    for (int i = 0; i < 5; i++) {
      count.row(0);
      count.row(1);
    }
    count.rangeComplete(0);
    assertThat(count.complete()).isEqualTo(5);
    count.row(2);
    count.rangeComplete(1);
    count.rangeComplete(2);
    assertThat(count.complete()).isEqualTo(11);
    assertThat(count.text()).isEqualTo("11 rows");
  }

  @Test
  void afterARestartTheInterruptedRangesAreNotCountedTwice() {
    // Before the crash: range 0 complete (100 rows, in the offset), range 1 had 40 rows out and
    // was not complete. After it, range 1 is copied again: its 60 rows count, the 40 do not.
    SnapshotRowCount before = new SnapshotRowCount(2, 0);
    for (int i = 0; i < 100; i++) {
      before.row(0);
    }
    before.rangeComplete(0);
    for (int i = 0; i < 40; i++) {
      before.row(1);
    }
    SnapshotRowCount after = new SnapshotRowCount(2, before.complete());
    for (int i = 0; i < 60; i++) {
      after.row(1);
    }
    after.rangeComplete(1);

    assertThat(after.complete()).isEqualTo(160);
    assertThat(after.text()).isEqualTo("160 rows (100 of them copied before the restart)");
  }
}
