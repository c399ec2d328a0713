package io.pgcdc.connector.source.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalTest {
  @Test
  void readsTheBodyTheFunctionWrites() {
    Signal s =
        Signal.parse(
            "{\"slot\" : \"s1\", \"action\" : \"snapshot\", \"tables\" : [\"public.a\",\"b\"],"
                + " \"condition\" : \"id > 5\", \"by\" : \"alice\", \"wal\" : \"0/16B3748\"}");
    assertThat(s)
        .isEqualTo(
            new Signal(
                "s1",
                Signal.Action.SNAPSHOT,
                List.of("public.a", "b"),
                "id > 5",
                "alice",
                23803720L));
    assertThat(s.describe()).isEqualTo("snapshot of [public.a, b] where (id > 5), by alice");
  }

  @Test
  void aMissingConditionIsEveryRow() {
    Signal s =
        Signal.parse(
            "{\"slot\":\"s1\",\"action\":\"STOP\",\"tables\":[],\"condition\":null,\"by\":\"x\","
                + "\"wal\":\"0/1\"}");
    assertThat(s.condition()).isNull();
    assertThat(s.action()).isEqualTo(Signal.Action.STOP);
  }

  @Test
  void rejectsAnUnknownActionNamingTheKnownOnes() {
    assertThatThrownBy(() -> Signal.Action.of("restart"))
        .hasMessageContaining("snapshot, stop, pause or resume");
  }

  @Test
  void tablesMustBeCapturedAndAreNamedWhenNot() {
    List<TableId> captured = List.of(new TableId("public", "a"), new TableId("s", "B"));
    assertThat(SignalChecks.tables(List.of("a", "s.\"B\"", "public.a"), captured))
        .containsExactly(new TableId("public", "a"), new TableId("s", "B"));
    assertThatThrownBy(() -> SignalChecks.tables(List.of("public.c"), captured))
        .hasMessageContaining("Table public.c is not captured")
        .hasMessageContaining("table.include.list");
  }
}
