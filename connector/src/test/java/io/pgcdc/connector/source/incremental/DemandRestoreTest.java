package io.pgcdc.connector.source.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** What a restarted task takes back of the copies on demand from its stored offset. */
class DemandRestoreTest {
  private static final TableId A = new TableId("public", "a");
  private static final TableId B = new TableId("public", "b");
  private static final TableId C = new TableId("public", "c");
  private static final TableId GONE = new TableId("public", "gone");

  private final RecordBuilder records =
      new RecordBuilder(Map.of("slot", "s"), "db", "db", "db.messages", false, false);

  @Test
  void theQueueComesBackInOrderTheTableBeingCopiedFirstAndThePauseWithIt() {
    Map<TableId, String> demand = new LinkedHashMap<>();
    demand.put(C, null);
    demand.put(B, "id < 5");
    demand.put(GONE, null);
    Map<String, Object> stored = new HashMap<>(SourceOffset.stream(7, 0).toMap());
    stored.put(IncrementalCopy.DEMAND_KEY, IncrementalCopy.Demand.text(demand));
    stored.put(IncrementalCopy.PAUSED_KEY, "true");
    stored.putAll(new IncrementalCopy.CopyProgress(B.quoted(), List.of("4")).toMap());

    IncrementalCopy copy = copy(List.of(A), stored);

    IncrementalCopy.Progress p = copy.signalProgress();
    assertThat(p.paused()).isTrue();
    assertThat(p.queued())
        .as("b (being copied at the restart) first, then the added table, then c; gone left out")
        .containsExactly("public.b", "public.a", "public.c");
    Map<String, ?> offset = offsetOfTheNextRecord();
    assertThat(IncrementalCopy.Demand.from(offset))
        .containsOnlyKeys(B, C)
        .containsEntry(B, "id < 5");
    assertThat(offset.get(IncrementalCopy.PAUSED_KEY)).isEqualTo("true");
  }

  @Test
  void withoutCopiesOnDemandTheOffsetsCarryNone() {
    IncrementalCopy copy = copy(List.of(), SourceOffset.stream(7, 0).toMap());

    assertThat(copy.signalProgress().queued()).isEmpty();
    assertThat(offsetOfTheNextRecord())
        .doesNotContainKeys(IncrementalCopy.DEMAND_KEY, IncrementalCopy.PAUSED_KEY);
  }

  private IncrementalCopy copy(List<TableId> added, Map<String, ?> stored) {
    return new IncrementalCopy(
        null,
        "pub",
        null,
        records,
        new OffsetTracker(0),
        150000,
        1 << 18,
        5000,
        new PendingTables.Plan(added, Set.copyOf(added)),
        Set.of(A, B, C),
        stored);
  }

  private Map<String, ?> offsetOfTheNextRecord() {
    SourceRecord r =
        records.message(
            "app", new byte[0], false, new RecordBuilder.Tx(9, -1, 0, false), 9, stream(), 0);
    return r.sourceOffset();
  }

  private static SourceOffset stream() {
    return SourceOffset.stream(9, 0);
  }
}
