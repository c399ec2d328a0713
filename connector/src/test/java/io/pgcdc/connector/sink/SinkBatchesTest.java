package io.pgcdc.connector.sink;

import static io.pgcdc.connector.sink.TestRecords.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.read.ChangeReader;
import io.pgcdc.connector.sink.write.ChangeWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SinkBatchesTest {
  private static final PostgresSinkConfig CONFIG =
      TestRecords.config("table.name.format", "${source.table}", "max.retries", "0");
  private static final TopicPartition PARTITION = new TopicPartition("pg.public.orders", 0);

  /** Keeps the offsets of each transaction; fails every write once {@code failing} is set. */
  private static final class RecordingWriter implements ChangeWriter {
    final List<List<Long>> transactions = Collections.synchronizedList(new ArrayList<>());
    volatile boolean failing;

    /** Writes wait until this opens. */
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public List<RowChange> prepare(
        List<RowChange> changes, BiConsumer<RowChange, BadRecordException> rejected) {
      return changes;
    }

    @Override
    public void write(List<RowChange> prepared) throws SQLException {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", "08006");
      }
      if (failing) {
        throw new SQLException("syntax error", "42601");
      }
      transactions.add(prepared.stream().map(c -> c.record().kafkaOffset()).toList());
    }

    @Override
    public void reset() {}

    @Override
    public void close() {}
  }

  private final RecordingWriter writer = new RecordingWriter();
  private SinkBatches batches;

  private SinkBatches batches(int batchSize, long lingerMs) {
    SinkApplier applier = new SinkApplier(CONFIG, new ChangeReader(CONFIG), writer, false, null);
    batches = new SinkBatches(applier, batchSize, lingerMs, "test");
    return batches;
  }

  @AfterEach
  void close() {
    batches.close();
  }

  private static List<SinkRecord> records(int from, int to) {
    List<SinkRecord> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(change("c", i, "n" + i, null, i));
    }
    return records;
  }

  @Test
  void gathersRecordsAcrossPutsIntoTransactionsOfBatchSize() {
    SinkBatches b = batches(3, 60_000);

    b.add(records(0, 2));
    b.add(records(2, 4));
    b.add(records(4, 5));
    Map<TopicPartition, OffsetAndMetadata> offsets = b.flush(Set.of(PARTITION));

    assertThat(writer.transactions).containsExactly(List.of(0L, 1L, 2L), List.of(3L, 4L));
    assertThat(offsets).containsExactly(Map.entry(PARTITION, new OffsetAndMetadata(5)));
  }

  @Test
  void aBatchThatIsNotFullWaitsForItsLingerTime() {
    SinkBatches b = batches(100, 60_000);

    long wait = b.add(records(0, 2));

    assertThat(wait).isBetween(59_000L, 60_000L);
    assertThat(b.flush(Set.of())).isEmpty();
    assertThat(writer.transactions).containsExactly(List.of(0L, 1L));
  }

  @Test
  void withoutLingerWhatArrivedIsWrittenWhenTheWriterIsIdle() {
    SinkBatches b = batches(100, 0);

    assertThat(b.add(records(0, 2))).isEqualTo(-1);
    b.flush(Set.of(PARTITION));

    assertThat(writer.transactions).containsExactly(List.of(0L, 1L));
  }

  @Test
  void offsetsAreHandedBackOnlyForCommittedRecordsAndAFailedWriteFailsEveryLaterCall() {
    SinkBatches b = batches(2, 60_000);
    b.add(records(0, 2));
    assertThat(b.flush(Set.of(PARTITION))).containsEntry(PARTITION, new OffsetAndMetadata(2));

    writer.failing = true;
    b.add(records(2, 3));

    assertThatThrownBy(() -> b.flush(Set.of(PARTITION)))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("syntax error");
    writer.failing = false;
    // the task fails at its next put(), also when no record arrives
    assertThatThrownBy(() -> b.add(List.of())).hasMessageContaining("syntax error");
    assertThatThrownBy(() -> b.flush(Set.of(PARTITION))).hasMessageContaining("syntax error");
    assertThat(writer.transactions).containsExactly(List.of(0L, 1L));
  }

  @Test
  void aWriteThatFailedInTheBackgroundFailsTheNextPut() {
    SinkBatches b = batches(1, 60_000);
    writer.failing = true;
    b.add(records(0, 1)); // a full batch: handed to the writer, which fails

    // the next full batch waits for that write, and fails the task with its failure
    assertThatThrownBy(() -> b.add(records(1, 2))).hasMessageContaining("syntax error");
  }

  @Test
  void aLingeredBatchKeepsFillingWhileTheWriterIsBusy() {
    SinkBatches b = batches(100, 0);
    writer.gate = new CountDownLatch(1);
    assertThat(b.add(records(0, 2))).isEqualTo(-1); // handed to the writer, which waits

    long wait = b.add(records(2, 4)); // the writer is busy: the batch keeps filling

    assertThat(wait).isPositive();
    assertThat(writer.transactions).isEmpty();
    writer.gate.countDown();
    assertThat(b.flush(Set.of(PARTITION))).containsEntry(PARTITION, new OffsetAndMetadata(4));
    assertThat(writer.transactions).containsExactly(List.of(0L, 1L), List.of(2L, 3L));
  }

  @Test
  void closingPartitionsWaitsForTheBatchBeingWrittenAndDropsTheirRecordsNotYetSent() {
    SinkBatches b = batches(2, 60_000);
    writer.gate = new CountDownLatch(1);
    b.add(records(0, 3)); // 0 and 1 handed to the writer, which waits; 2 is read
    Thread opener = new Thread(writer.gate::countDown);
    opener.start();

    b.close(Set.of(PARTITION)); // lost partitions: Connect commits nothing, and closes them

    assertThat(writer.transactions).containsExactly(List.of(0L, 1L));
    assertThat(b.flush(Set.of(PARTITION))).isEmpty();
    assertThat(writer.transactions).containsExactly(List.of(0L, 1L));
  }

  @Test
  void closingPartitionsKeepsTheRecordsOfTheOthers() {
    TopicPartition other = new TopicPartition(PARTITION.topic(), 1);
    SinkBatches b = batches(100, 60_000);
    List<SinkRecord> records = new ArrayList<>(records(0, 2));
    records.add(onPartition(1, change("c", 10, "n10", null, 7)));
    records.add(change("c", 2, "n2", null, 2));

    b.add(records);
    b.close(Set.of(PARTITION));

    assertThat(b.flush(Set.of(PARTITION, other)))
        .containsExactly(Map.entry(other, new OffsetAndMetadata(8)));
    assertThat(writer.transactions).containsExactly(List.of(7L));
  }

  private static SinkRecord onPartition(int partition, SinkRecord r) {
    return new SinkRecord(
        r.topic(), partition, r.keySchema(), r.key(), r.valueSchema(), r.value(), r.kafkaOffset());
  }
}
