package io.pgcdc.connector.source.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class ChunkWindowTest {
  private static final TableId B = new TableId("public", "b");
  private static final TableId OTHER = new TableId("public", "a");

  private final ChunkWindow window = new ChunkWindow(B, "c:1:low", "c:1:high");

  private static RowKey key(int id) {
    return new RowKey(new Object[] {id});
  }

  private static LinkedHashMap<RowKey, String> rows(int... ids) {
    LinkedHashMap<RowKey, String> rows = new LinkedHashMap<>();
    for (int id : ids) {
      rows.put(key(id), "row " + id);
    }
    return rows;
  }

  @Test
  void theSelectedRowsGoOutInKeyOrderAtTheHighWatermark() {
    assertThat(window.watermark("c:1:low")).isFalse();
    assertThat(window.watermark("c:1:high")).isTrue();
    assertThat(window.closed()).isTrue();
    assertThat(window.keep(rows(1, 2, 3))).containsExactly("row 1", "row 2", "row 3");
  }

  @Test
  void aKeyChangedBetweenTheWatermarksLeavesTheChunk() {
    window.watermark("c:1:low");
    window.changed(B, key(1));
    window.changed(B, key(3));
    window.changed(B, key(9)); // not in the chunk
    window.watermark("c:1:high");

    assertThat(window.keep(rows(1, 2, 3))).containsExactly("row 2");
  }

  @Test
  void changesOutsideTheWindowOrOfOtherTablesRemoveNothing() {
    window.changed(B, key(1)); // before the low watermark: the selection saw it
    window.watermark("c:1:low");
    window.changed(OTHER, key(2));
    window.watermark("c:1:high");
    window.changed(B, key(1)); // after the high watermark: comes after the row

    assertThat(window.keep(rows(1, 2))).containsExactly("row 1", "row 2");
  }

  @Test
  void aTruncateBetweenTheWatermarksEmptiesTheChunk() {
    window.watermark("c:1:low");
    window.truncated(B);
    window.watermark("c:1:high");
    assertThat(window.keep(rows(1, 2))).isEmpty();

    ChunkWindow later = new ChunkWindow(B, "c:2:low", "c:2:high");
    later.watermark("c:2:low");
    later.truncated(OTHER);
    later.watermark("c:2:high");
    assertThat(later.keep(rows(1, 2))).hasSize(2);
  }

  @Test
  void watermarksOfOtherChunksOrTasksAreIgnored() {
    assertThat(window.watermark("c:1:high")).as("high before low").isFalse();
    assertThat(window.watermark("old:1:low")).isFalse();
    window.changed(B, key(1)); // the window is not open: nothing removed

    window.watermark("c:1:low");
    assertThat(window.watermark("old:1:high")).isFalse();
    assertThat(window.watermark("c:1:high")).isTrue();
    assertThat(window.watermark("c:1:high")).as("once").isFalse();
    assertThat(window.keep(rows(1))).containsExactly("row 1");
  }

  @Test
  void keysCompareByValueBytesIncluded() {
    assertThat(new RowKey(new Object[] {new byte[] {1, 2}, "x"}))
        .isEqualTo(new RowKey(new Object[] {new byte[] {1, 2}, "x"}))
        .hasSameHashCodeAs(new RowKey(new Object[] {new byte[] {1, 2}, "x"}))
        .isNotEqualTo(new RowKey(new Object[] {new byte[] {1, 3}, "x"}));
    assertThat(RowKey.of(new Object[] {"v", 7, "w"}, new int[] {1}))
        .isEqualTo(new RowKey(new Object[] {7}));
  }
}
