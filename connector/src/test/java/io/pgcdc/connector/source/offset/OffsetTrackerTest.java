package io.pgcdc.connector.source.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static SourceRecord record(int i) {
    return new ChangeRecord(Map.of(), Map.of("i", i), "t", null, null, null, null, null);
  }

  @Test
  void confirmsATransactionOnlyWhenItAndEveryEarlierRecordAreAcknowledged() {
    OffsetTracker tracker = new OffsetTracker(10);
    SourceRecord a = record(1);
    SourceRecord b = record(2);
    SourceRecord c = record(3);
    tracker.emitted(a);
    tracker.emitted(b);
    tracker.transactionEnd(100);
    tracker.emitted(c);
    tracker.transactionEnd(200);

    tracker.acknowledged(c);
    tracker.acknowledged(b);
    assertThat(tracker.confirmable()).as("a is still in flight").isEqualTo(10);
    tracker.acknowledged(a);
    assertThat(tracker.confirmable()).isEqualTo(200);
  }

  @Test
  void confirmsTheFirstTransactionWhileTheSecondIsInFlight() {
    OffsetTracker tracker = new OffsetTracker(0);
    SourceRecord a = record(1);
    SourceRecord b = record(2);
    tracker.emitted(a);
    tracker.transactionEnd(100);
    tracker.emitted(b);
    tracker.acknowledged(a);
    assertThat(tracker.confirmable()).isEqualTo(100);
    tracker.transactionEnd(200);
    assertThat(tracker.confirmable()).isEqualTo(100);
  }

  @Test
  void neverMovesBackwards() {
    OffsetTracker tracker = new OffsetTracker(500);
    tracker.transactionEnd(100);
    tracker.idleAt(400);
    assertThat(tracker.confirmable()).isEqualTo(500);
  }

  @Test
  void advancesToTheServerPositionWhenIdleAndEverythingIsAcknowledged() {
    OffsetTracker tracker = new OffsetTracker(0);
    SourceRecord a = record(1);
    tracker.emitted(a);
    tracker.transactionEnd(100);
    tracker.idleAt(300);
    assertThat(tracker.confirmable()).isZero();
    tracker.acknowledged(a);
    tracker.idleAt(300);
    assertThat(tracker.confirmable()).isEqualTo(300);
  }

  @Test
  void ignoresRecordsItDidNotTrackAndComparesUnsigned() {
    OffsetTracker tracker = new OffsetTracker(0);
    tracker.acknowledged(record(9));
    tracker.transactionEnd(0x8000_0000_0000_0000L);
    tracker.transactionEnd(5);
    assertThat(tracker.confirmable()).isEqualTo(0x8000_0000_0000_0000L);
    assertThat(tracker.unacknowledged()).isZero();
  }

  @Test
  void countsARepeatedAcknowledgementOnceAndRefusesRecordsItCannotTrack() {
    OffsetTracker tracker = new OffsetTracker(0);
    SourceRecord a = record(1);
    SourceRecord b = record(2);
    tracker.emitted(a);
    tracker.emitted(b);
    tracker.transactionEnd(100);
    tracker.acknowledged(a);
    tracker.acknowledged(a);
    assertThat(tracker.unacknowledged()).isEqualTo(1);
    assertThat(tracker.confirmable()).isZero();
    tracker.acknowledged(b);
    assertThat(tracker.confirmable()).isEqualTo(100);

    assertThatThrownBy(() -> tracker.emitted(a)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracker.emitted(new SourceRecord(Map.of(), Map.of(), "t", null, null)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
