package io.pgcdc.connector.source.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SnapshotRangesTest {
  @Test
  void splitsALargeTableIntoFourRangesPerThreadOnPostgres14() {
    SnapshotRanges r = SnapshotRanges.split(10_000, 2, 160000);
    assertThat(r.count()).isEqualTo(8);
    assertThat(r.blocksPerRange()).isEqualTo(1250);
    assertThat(r.condition(0)).isEqualTo(" WHERE ctid < '(1250,0)'::tid");
    assertThat(r.condition(3))
        .isEqualTo(" WHERE ctid >= '(3750,0)'::tid AND ctid < '(5000,0)'::tid");
    // the last range is open above: rows added since the split are read too
    assertThat(r.condition(7)).isEqualTo(" WHERE ctid >= '(8750,0)'::tid");
  }

  @Test
  void keepsSmallTablesAndOldServersInOneRangeWithoutCondition() {
    assertThat(SnapshotRanges.split(100, 4, 160000).count()).isEqualTo(1);
    assertThat(SnapshotRanges.split(100_000, 4, 130000).count()).isEqualTo(1);
    assertThat(SnapshotRanges.split(0, 4, 160000).condition(0)).isEmpty();
  }

  @Test
  void rangesAreNeverSmallerThanTheMinimum() {
    SnapshotRanges r = SnapshotRanges.split(300, 4, 140000);
    assertThat(r.blocksPerRange()).isEqualTo(SnapshotRanges.MIN_BLOCKS_PER_RANGE);
    assertThat(r.count()).isEqualTo(5);
  }

  @Test
  void writesAndParsesDoneRangesAsRuns() {
    SnapshotRanges r = new SnapshotRanges(64, 10, new BitSet());
    assertThat(r.doneText()).isEmpty();
    for (int i : new int[] {0, 1, 2, 3, 5, 8, 9}) {
      r = r.withDone(i);
    }
    assertThat(r.doneText()).isEqualTo("0-3,5,8-9");
    assertThat(SnapshotRanges.parseDone("0-3,5,8-9", 10)).isEqualTo(r.done());
    assertThat(r.allDone()).isFalse();
    assertThat(r.withDone(4).withDone(6).withDone(7).allDone()).isTrue();
  }

  @Test
  void resumeTextReadsRightWhateverIsComplete() {
    SnapshotRanges none = new SnapshotRanges(64, 4, new BitSet());
    assertThat(none.resumeText())
        .isEqualTo("none of its 4 ranges is complete, all are copied from their start");
    assertThat(none.withDone(0).withDone(1).withDone(3).resumeText())
        .isEqualTo("ranges 0-1,3 of 4 are complete, the other 1 are copied from their start");
    assertThat(none.withDone(0).withDone(1).withDone(2).withDone(3).resumeText())
        .isEqualTo("all 4 ranges are complete");
  }

  @Test
  void rejectsMalformedDoneText() {
    assertThatThrownBy(() -> SnapshotRanges.parseDone("3-1", 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnapshotRanges.parseDone("x", 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnapshotRanges.parseDone("10", 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
