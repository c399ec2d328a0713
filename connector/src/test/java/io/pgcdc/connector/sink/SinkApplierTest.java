package io.pgcdc.connector.sink;

import static io.pgcdc.connector.sink.TestRecords.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.ChangeWriter;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class SinkApplierTest {
  private static final PostgresSinkConfig CONFIG =
      TestRecords.config(
          "table.name.format", "${source.table}", "max.retries", "2", "retry.backoff.ms", "0");

  private final List<SinkRecord> reported = new ArrayList<>();
  private final ErrantRecordReporter reporter =
      (record, error) -> {
        reported.add(record);
        return CompletableFuture.completedFuture(null);
      };

  /** A server error as the driver reads it. */
  private static PSQLException server(String state, String message) {
    return new PSQLException(
        new ServerErrorMessage("SERROR\0C" + state + "\0M" + message + "\0Rx\0"));
  }

  /**
   * Writes every batch that holds no bad offset (the offsets it wrote are kept), fails those that
   * do with a data error, and fails the next writes with the errors queued in {@code failures}.
   */
  private static final class FakeWriter implements ChangeWriter {
    final Set<Long> badOffsets;
    final Deque<SQLException> failures = new ArrayDeque<>();
    final List<Long> written = new ArrayList<>();
    Map<TopicPartition, Long> hold = Map.of();
    long ledger = -1;
    int writes;
    int resets;

    FakeWriter(Set<Long> badOffsets) {
      this.badOffsets = badOffsets;
    }

    @Override
    public List<RowChange> prepare(
        List<RowChange> changes, BiConsumer<RowChange, BadRecordException> rejected) {
      return changes;
    }

    @Override
    public void write(List<RowChange> prepared) throws SQLException {
      writes++;
      if (!failures.isEmpty()) {
        throw failures.poll();
      }
      for (RowChange change : prepared) {
        if (badOffsets.contains(change.record().kafkaOffset())) {
          throw server("22P02", "invalid input syntax for type integer");
        }
      }
      prepared.forEach(c -> written.add(c.record().kafkaOffset()));
      for (RowChange c : prepared) { // one partition
        long offset = c.record().kafkaOffset();
        Long below = hold.get(new TopicPartition(c.record().topic(), c.record().kafkaPartition()));
        if (below == null || offset < below) {
          ledger = Math.max(ledger, offset);
        }
      }
    }

    @Override
    public void holdLedgerBelow(Map<TopicPartition, Long> offsets) {
      hold = offsets;
    }

    @Override
    public void ledgerAt(Map<TopicPartition, Long> offsets) {
      offsets.values().forEach(o -> ledger = Math.max(ledger, o));
    }

    @Override
    public void reset() {
      resets++;
    }

    @Override
    public void close() {}
  }

  private static List<SinkRecord> records(int count) {
    List<SinkRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(change("c", i, "n" + i, null, i));
    }
    return records;
  }

  private SinkApplier applier(FakeWriter writer, boolean tolerateAll) {
    return new SinkApplier(CONFIG, new ChangeReader(CONFIG), writer, tolerateAll, reporter);
  }

  @Test
  void bisectsAFailedBatchDownToTheBadRecordAndWritesTheOthers() {
    FakeWriter writer = new FakeWriter(Set.of(5L));

    applier(writer, true).apply(records(8));

    assertThat(writer.written).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 6L, 7L);
    assertThat(reported).extracting(SinkRecord::kafkaOffset).containsExactly(5L);
    // the batch; again in record order; then halves down to the bad record: 4+4, 2, 1+1, 2
    assertThat(writer.writes).isEqualTo(8);
  }

  @Test
  void theLedgerStaysBelowABadRecordUntilTheDeadLetterQueueHasIt() {
    FakeWriter writer = new FakeWriter(Set.of(5L));
    List<Long> ledgerWhenReported = new ArrayList<>();
    SinkApplier applier =
        new SinkApplier(
            CONFIG,
            new ChangeReader(CONFIG),
            writer,
            true,
            (record, error) -> {
              ledgerWhenReported.add(writer.ledger);
              return CompletableFuture.completedFuture(null);
            });

    applier.apply(records(8));

    assertThat(writer.written).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 6L, 7L);
    assertThat(ledgerWhenReported)
        .as("records 6 and 7 are written, the ledger says 4")
        .containsExactly(4L);
    assertThat(writer.ledger).as("then every record is handled").isEqualTo(7L);
  }

  @Test
  void stopsAtTheBadRecordWhenErrorsAreNotToleratedWritingNothingAfterIt() {
    FakeWriter writer = new FakeWriter(Set.of(2L));

    assertThatThrownBy(() -> applier(writer, false).apply(records(4)))
        .isInstanceOf(ConnectException.class)
        .hasMessageStartingWith(
            "Cannot write the record at topic pg.public.orders, partition 0, offset 2 to table"
                + " public.orders: invalid input syntax for type integer SQLSTATE 22P02")
        .hasMessageContaining("The task stops");
    assertThat(writer.written).containsExactly(0L, 1L);
    assertThat(reported).isEmpty();
  }

  @Test
  void retriesATransientFailureOnAFreshConnection() {
    FakeWriter writer = new FakeWriter(Set.of());
    writer.failures.add(server("40001", "could not serialize access"));

    applier(writer, false).apply(records(3));

    assertThat(writer.written).containsExactly(0L, 1L, 2L);
    assertThat(writer.writes).isEqualTo(2);
    assertThat(writer.resets).isEqualTo(1);
  }

  @Test
  void givesUpAfterMaxRetries() {
    FakeWriter writer = new FakeWriter(Set.of());
    for (int i = 0; i < 5; i++) {
      writer.failures.add(server("08006", "connection lost"));
    }

    assertThatThrownBy(() -> applier(writer, true).apply(records(2)))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("failed after 2 retries (max.retries)");
    assertThat(writer.writes).isEqualTo(3);
    assertThat(writer.written).isEmpty();
  }

  @Test
  void aRecordTheReaderRejectsGoesToTheDeadLetterQueueAndTheOthersAreWritten() {
    FakeWriter writer = new FakeWriter(Set.of());
    List<SinkRecord> records = records(3);
    records.set(1, new SinkRecord("pg.public.orders", 0, null, null, null, "not a row", 1));

    applier(writer, true).apply(records);

    assertThat(writer.written).containsExactly(0L, 2L);
    assertThat(reported).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
  }
}
