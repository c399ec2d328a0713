package io.pgcdc.connector.source.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class CopyProgressTest {
  private static final IncrementalCopy.CopyProgress PROGRESS =
      new IncrementalCopy.CopyProgress("\"public\".\"b\"", List.of("eu, west %1", "42", ""));

  @Test
  void travelsInEveryOffsetBuiltWhileSetAndIsReadBack() {
    RecordBuilder records =
        new RecordBuilder(Map.of("slot", "s"), "db", "db", "db.messages", false, false);
    records.carryInOffsets(PROGRESS.toMap());
    SourceRecord r =
        records.message(
            "app", new byte[0], false, new RecordBuilder.Tx(7, -1, 0, false), 7, stream(), 0);
    Map<String, ?> stored = new HashMap<>(r.sourceOffset());
    // Connect stores primitive offset values only (OffsetUtils.validateFormat).
    assertThat(stored.values()).allMatch(v -> v instanceof String || v instanceof Number);

    assertThat(SourceOffset.fromMap(stored)).isEqualTo(stream());
    assertThat(IncrementalCopy.CopyProgress.from(stored)).isEqualTo(PROGRESS);

    records.carryInOffsets(Map.of());
    SourceRecord plain =
        records.message(
            "app", new byte[0], false, new RecordBuilder.Tx(7, -1, 0, false), 7, stream(), 0);
    assertThat(plain.sourceOffset()).isEqualTo(stream().toMap());
    assertThat(IncrementalCopy.CopyProgress.from(plain.sourceOffset())).isNull();
    assertThat(IncrementalCopy.CopyProgress.from(null)).isNull();
  }

  @Test
  void aKeyThatIsNotItsTextIsRejectedNamingTheOffsetKey() {
    for (Object key : new Object[] {42, "%zz", null}) {
      Map<String, Object> bad = new HashMap<>(PROGRESS.toMap());
      bad.put(IncrementalCopy.KEY_KEY, key);

      assertThatThrownBy(() -> IncrementalCopy.CopyProgress.from(bad))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("'copy_key'");
    }
  }

  @Test
  void theQueueOfCopiesOnDemandIsReadBackInOrderWithItsConditions() {
    Map<TableId, String> demand = new LinkedHashMap<>();
    demand.put(new TableId("public", "b"), "id <= 5000 AND note = 'a,b=c'");
    demand.put(new TableId("My Schema", "Order \"Lines\".x"), null);
    demand.put(new TableId("public", "a"), "");

    String text = IncrementalCopy.Demand.text(demand);
    Map<String, Object> offset = Map.of(IncrementalCopy.DEMAND_KEY, text);

    assertThat(IncrementalCopy.Demand.from(offset)).containsExactlyEntriesOf(demand);
    assertThat(IncrementalCopy.Demand.from(Map.of())).isEmpty();
    assertThat(IncrementalCopy.Demand.from(null)).isEmpty();
  }

  @Test
  void aQueueThatIsNotItsTextIsRejectedNamingTheOffsetKey() {
    for (Object value : new Object[] {42, "%zz", "a.b.c"}) {
      Map<String, Object> bad = new HashMap<>();
      bad.put(IncrementalCopy.DEMAND_KEY, value);

      assertThatThrownBy(() -> IncrementalCopy.Demand.from(bad))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("'copy_demand'");
    }
  }

  private static SourceOffset stream() {
    return SourceOffset.stream(7, 0);
  }
}
