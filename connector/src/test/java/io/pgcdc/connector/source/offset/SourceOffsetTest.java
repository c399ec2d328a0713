package io.pgcdc.connector.source.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class SourceOffsetTest {
  @Test
  void roundTripsEveryPhaseThroughItsMap() {
    for (SourceOffset o :
        new SourceOffset[] {
          SourceOffset.stream(0xFFFF_FFFF_0000_0001L, 7),
          SourceOffset.snapshot(42, "public.orders", 1000),
          SourceOffset.snapshot(
              42,
              "public.orders",
              1000,
              new SnapshotRanges(64, 8, SnapshotRanges.parseDone("0-2,5", 8))),
          SourceOffset.snapshotDone(42)
        }) {
      assertThat(SourceOffset.fromMap(o.toMap())).isEqualTo(o);
    }
  }

  @Test
  void rejectsDoneRangesOutsideTheSplitNamingTheKey() {
    Map<String, Object> map =
        new HashMap<>(
            SourceOffset.snapshot(
                    1, "public.t", 5, new SnapshotRanges(64, 4, new java.util.BitSet()))
                .toMap());
    map.put("snapshot_done", "1-4");
    assertThatThrownBy(() -> SourceOffset.fromMap(map))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("'snapshot_done'")
        .hasMessageContaining("outside 0..3");
  }

  @Test
  void readsNumbersAsJsonStoresThem() {
    // Connect's JSON offset store gives small numbers back as Integer.
    Map<String, Object> map = Map.of("lsn", 5, "pos", 2);
    assertThat(SourceOffset.fromMap(map)).isEqualTo(SourceOffset.stream(5, 2));
  }

  @Test
  void rejectsAMissingOrMistypedKeyNamingIt() {
    assertThatThrownBy(() -> SourceOffset.fromMap(Map.of("pos", 1L)))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("'lsn'")
        .hasMessageContaining("got nothing");
    assertThatThrownBy(() -> SourceOffset.fromMap(Map.of("lsn", "0/1", "pos", 1L)))
        .hasMessageContaining("'lsn': expected a number, got '0/1'");
    Map<String, Object> bad = new HashMap<>(Map.of("lsn", 1L, "pos", 1L, "snapshot", "maybe"));
    assertThatThrownBy(() -> SourceOffset.fromMap(bad)).hasMessageContaining("'snapshot'");
    bad.put("snapshot", "true");
    assertThatThrownBy(() -> SourceOffset.fromMap(bad)).hasMessageContaining("'snapshot_table'");
  }

  @Test
  void streamOffsetCoversEarlierCommitsAndEarlierPositionsOfItsOwn() {
    SourceOffset o = SourceOffset.stream(100, 5);
    assertThat(o.covers(99, 1_000)).isTrue();
    assertThat(o.covers(100, 5)).isTrue();
    assertThat(o.covers(100, 6)).isFalse();
    assertThat(o.covers(101, 1)).isFalse();
    // Unsigned: an LSN with the top bit set is later, not earlier.
    assertThat(o.covers(0x8000_0000_0000_0000L, 1)).isFalse();
  }

  @Test
  void snapshotDoneCoversNothingCommittedAtOrAfterTheConsistentPoint() {
    SourceOffset o = SourceOffset.snapshotDone(100);
    assertThat(o.covers(99, 1)).isTrue();
    assertThat(o.covers(100, 1)).isFalse();
  }

  @Test
  void aNonTransactionalMessageAtTheStreamOffsetIsCoveredButNotAtTheConsistentPoint() {
    assertThat(SourceOffset.stream(100, 0).covers(100, 0)).isTrue();
    assertThat(SourceOffset.stream(100, 0).covers(101, 0)).isFalse();
    assertThat(SourceOffset.snapshotDone(100).covers(100, 0)).isFalse();
    assertThat(SourceOffset.snapshotDone(100).covers(99, 0)).isTrue();
  }

  @Test
  void aSnapshotOffsetCoversWhatCommittedBeforeItsConsistentPoint() {
    SourceOffset o = SourceOffset.snapshot(100, "public.t", 5_000);
    assertThat(o.covers(99, 1)).isTrue();
    assertThat(o.covers(100, 1)).isFalse();
    // pos counts snapshot rows, not a position in a transaction.
    assertThat(o.covers(100, 1_000)).isFalse();
  }
}
