package io.pgcdc.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.source.offset.SourceOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class OffsetAlterationTest {
  private static final Map<String, ?> PARTITION = Map.of("slot", "s1");

  private static Map<Map<String, ?>, Map<String, ?>> one(Map<String, ?> offset) {
    Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
    offsets.put(PARTITION, offset);
    return offsets;
  }

  @Test
  void acceptsAStreamingPosition() {
    assertThat(OffsetAlteration.checkForm("s1", one(Map.of("lsn", 23803720L, "pos", 0))))
        .isEqualTo(SourceOffset.stream(23803720L, 0));
  }

  @Test
  void aResetNeedsNoPosition() {
    assertThat(OffsetAlteration.checkForm("s1", one(null))).isNull();
  }

  @Test
  void rejectsAnotherSlotsPartitionNamingTheOnlyOne() {
    Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
    offsets.put(Map.of("slot", "other"), Map.of("lsn", 1L, "pos", 0));
    assertThatThrownBy(() -> OffsetAlteration.checkForm("s1", offsets))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("{\"slot\": \"s1\"}")
        .hasMessageContaining("slot.name");
  }

  @Test
  void rejectsAnLsnAsTextSayingHowToWriteIt() {
    assertThatThrownBy(() -> OffsetAlteration.checkForm("s1", one(Map.of("lsn", "0/16B3748"))))
        .hasMessageContaining("'lsn'")
        .hasMessageContaining("0/16B3748 is 23803720");
  }

  @Test
  void rejectsAMissingOrNegativePos() {
    assertThatThrownBy(() -> OffsetAlteration.checkForm("s1", one(Map.of("lsn", 5L))))
        .hasMessageContaining("'pos'");
    assertThatThrownBy(() -> OffsetAlteration.checkForm("s1", one(Map.of("lsn", 5L, "pos", -1))))
        .hasMessageContaining("'pos'");
  }

  @Test
  void rejectsSnapshotProgressKeys() {
    assertThatThrownBy(
            () ->
                OffsetAlteration.checkForm(
                    "s1", one(Map.of("lsn", 5L, "pos", 0, "snapshot", "true"))))
        .hasMessageContaining("'snapshot' cannot be set");
  }
}
