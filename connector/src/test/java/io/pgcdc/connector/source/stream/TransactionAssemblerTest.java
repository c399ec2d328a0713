package io.pgcdc.connector.source.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.KeyChangeHeaders;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.offset.OffsetTracker;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.RelationSchemas;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.connector.types.ValueOptions;
import io.pgcdc.decoder.Begin;
import io.pgcdc.decoder.BeginPrepare;
import io.pgcdc.decoder.Commit;
import io.pgcdc.decoder.CommitPrepared;
import io.pgcdc.decoder.Delete;
import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.Message;
import io.pgcdc.decoder.OldTuple;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.PgOutputMessage;
import io.pgcdc.decoder.Prepare;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.RollbackPrepared;
import io.pgcdc.decoder.StreamAbort;
import io.pgcdc.decoder.StreamCommit;
import io.pgcdc.decoder.StreamStart;
import io.pgcdc.decoder.StreamStop;
import io.pgcdc.decoder.Truncate;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The assembly of decoded pgoutput messages into records, driven with messages built by hand; the
 * messages inside stream blocks also as the bytes the server sends, since those are spooled.
 */
class TransactionAssemblerTest {
  private static final int REL = 16_384;
  private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");
  private static final long NOW = 1_000;

  private static final TypeResolver TYPES = new TypeResolver(ValueOptions.defaults());

  /** public.t (id int4 key, v text). */
  private static final TableSchema T =
      new TableSchema(
          new TableId("public", "t"),
          "db.public.t",
          List.of(
              new TableSchema.Column("id", 23, TYPES.forBuiltIn(23, "integer")),
              new TableSchema.Column("v", 25, TYPES.forBuiltIn(25, "text"))),
          new int[] {0},
          Envelope.SOURCE_SCHEMA);

  private final OffsetTracker tracker = new OffsetTracker(0);
  private final List<Relation> relations = new ArrayList<>();
  private final List<SourceRecord> out = new ArrayList<>();
  private TransactionAssembler assembler;
  private boolean tombstones;

  private TransactionAssembler resumingAfter(SourceOffset offset) {
    RelationSchemas schemas =
        new RelationSchemas() {
          @Override
          public void relation(Relation r) {
            relations.add(r);
          }

          @Override
          public TableSchema get(int relationId) {
            return relationId == REL ? T : null;
          }
        };
    RecordBuilder records =
        new RecordBuilder(Map.of("slot", "s"), "db", "db", "db.messages", tombstones, false);
    assembler =
        new TransactionAssembler(
            "s", schemas, records, tracker, new PgOutputDecoder(4), 1 << 20, offset);
    return assembler;
  }

  @AfterEach
  void closeSpools() {
    if (assembler != null) {
      assembler.close();
    }
  }

  @Test
  void aTransactionBecomesRecordsAtItsCommitLsnNumberedInOrder() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    feed(begin(100, 7), insert(1, "a"), update(1, "b"), delete(1));
    assertThat(assembler.betweenTransactions()).isFalse();
    feed(commit(100, 120));

    assertThat(ops()).containsExactly("c", "u", "d");
    assertThat(offsets())
        .containsExactly(
            SourceOffset.stream(100, 1), SourceOffset.stream(100, 2), SourceOffset.stream(100, 3));
    Struct source = value(0).getStruct(Envelope.SOURCE);
    assertThat(source.get(Envelope.TX_ID)).isEqualTo(7L);
    assertThat(source.get(Envelope.COMMIT_LSN)).isEqualTo(100L);
    assertThat(value(1).getStruct(Envelope.AFTER).get("v")).isEqualTo("b");
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.stream(100, 3));
    assertThat(assembler.betweenTransactions()).isTrue();
    // The commit's end is confirmable once each record is acknowledged.
    out.forEach(tracker::acknowledged);
    assertThat(tracker.confirmable()).isEqualTo(120);
  }

  @Test
  void aKeyChangeBecomesADeleteAndACreateAtTwoPositions() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    Update move =
        new Update(
            OptionalInt.empty(),
            REL,
            Optional.of(new OldTuple(true, tuple(1, null))),
            tuple(2, "x"));
    feed(begin(100, 7), move, commit(100, 120));

    assertThat(ops()).containsExactly("d", "c");
    assertThat(offsets()).containsExactly(SourceOffset.stream(100, 1), SourceOffset.stream(100, 2));
    assertThat(out.get(0).headers().lastWithName(KeyChangeHeaders.NEW_KEY)).isNotNull();
    assertThat(out.get(1).headers().lastWithName(KeyChangeHeaders.OLD_KEY)).isNotNull();
  }

  @Test
  void aTruncateIsARecordAtItsPositionAndWhereAReaderResumesAfter() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    feed(begin(100, 7), insert(1, "a"), new Truncate(OptionalInt.empty(), 0, List.of(REL)));
    feed(commit(100, 120));

    assertThat(ops()).containsExactly("c", "t");
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.stream(100, 2));
  }

  @Test
  void afterARestartWhatTheOffsetCoversIsSkippedAndTheRestBuilt() throws Exception {
    resumingAfter(SourceOffset.stream(100, 2));
    feed(begin(90, 6), insert(1, "old"), commit(90, 95));
    feed(begin(100, 7), insert(2, "a"), insert(3, "b"), insert(4, "c"), commit(100, 120));
    feed(begin(200, 8), insert(5, "d"), commit(200, 220));

    assertThat(offsets()).containsExactly(SourceOffset.stream(100, 3), SourceOffset.stream(200, 1));
    assertThat(value(0).getStruct(Envelope.AFTER).get("id")).isEqualTo(4);
    // Skipped transactions still end: the slot may move past them.
    out.forEach(tracker::acknowledged);
    assertThat(tracker.confirmable()).isEqualTo(220);
  }

  @Test
  void untilARecordIsBuiltAReaderResumesWhereItWasToldTo() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(100));
    feed(begin(90, 6), insert(1, "before the consistent point"), commit(90, 95));
    assertThat(out).isEmpty();
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.snapshotDone(100));
  }

  @Test
  void aSnapshotDoneOffsetSkipsNothingFromItsConsistentPointOn() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(100));
    feed(nonTransactional(100, "app", "at the point"));
    feed(begin(100, 7), insert(1, "a"), commit(100, 120));

    assertThat(ops()).containsExactly("m", "c");
    assertThat(offsets()).containsExactly(SourceOffset.stream(100, 0), SourceOffset.stream(100, 1));
  }

  @Test
  void aNonTransactionalMessageIsOrderedByItsOwnLsnAndSkippedWhenCovered() throws Exception {
    resumingAfter(SourceOffset.stream(100, 0));
    feed(nonTransactional(100, "app", "delivered before"), nonTransactional(130, "app", "new"));

    assertThat(offsets()).containsExactly(SourceOffset.stream(130, 0));
    Struct message = value(0).getStruct(Envelope.MESSAGE);
    assertThat(new String(message.getBytes("content"), StandardCharsets.UTF_8)).isEqualTo("new");
    assertThat(message.get("transactional")).isEqualTo(false);
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.stream(130, 0));
  }

  @Test
  void aHeartbeatBecomesNoRecordButLetsTheSlotMove() throws Exception {
    resumingAfter(SourceOffset.stream(100, 1));
    feed(nonTransactional(150, Heartbeat.PREFIX, ""));

    assertThat(out).isEmpty();
    assertThat(tracker.confirmable()).isEqualTo(150);
  }

  @Test
  void anObserverSeesEachChangeAndTheRecordsOfItsMessagesGoOutAtTheirPosition() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    List<Object> seen = new ArrayList<>();
    RecordBuilder copier =
        new RecordBuilder(Map.of("slot", "s"), "db", "db", "db.messages", false, false);
    assembler.observe(
        new StreamObserver() {
          @Override
          public boolean owns(String prefix) {
            return prefix.equals("wm");
          }

          @Override
          public List<SourceRecord> message(String prefix, byte[] content, long lsn, long now) {
            List<SourceRecord> made = new ArrayList<>();
            RecordBuilder.Row row =
                new RecordBuilder.Row(new Object[] {5, "copied"}, RecordBuilder.Row.COMPLETE);
            copier.copiedAhead(made, T, row, lsn, RecordBuilder.copyOffset(lsn, Map.of()), now);
            return made;
          }

          @Override
          public void changed(TableSchema t, RecordBuilder.Row row) {
            seen.add(row.values[0]);
          }

          @Override
          public void truncated(TableSchema t) {
            seen.add("truncate");
          }
        });
    feed(
        begin(100, 7),
        insert(1, "a"),
        update(2, "b"),
        delete(3),
        commit(100, 110),
        nonTransactional(120, "wm", "high"),
        nonTransactional(130, "app", "x"));

    assertThat(seen).containsExactly(1, 2, 3);
    assertThat(ops()).containsExactly("c", "u", "d", "r", "m");
    assertThat(offsets())
        .containsExactly(
            SourceOffset.stream(100, 1),
            SourceOffset.stream(100, 2),
            SourceOffset.stream(100, 3),
            SourceOffset.stream(120, 0),
            SourceOffset.stream(130, 0));
    assertThat(value(3).getStruct(Envelope.SOURCE).get("snapshot"))
        .isEqualTo(RecordBuilder.INCREMENTAL);
    assertThat(value(3).getStruct(Envelope.AFTER).get("v")).isEqualTo("copied");
    out.forEach(tracker::acknowledged);
    assertThat(tracker.confirmable()).isEqualTo(130);
  }

  @Test
  void aStreamedTransactionIsSpooledAndReplayedOnItsStreamCommit() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    stream(9, streamedInsert(9, 1, "a"), streamedInsert(9, 2, "b"));
    // A transaction that commits while the streamed one is open comes out first.
    feed(begin(100, 7), insert(10, "x"), commit(100, 120));
    stream(9, streamedInsert(9, 3, "c"));
    assertThat(ops()).containsExactly("c");

    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));
    assertThat(assembler.replaying()).isTrue();
    assertThat(assembler.betweenTransactions()).isFalse();
    replayAll();

    assertThat(offsets())
        .containsExactly(
            SourceOffset.stream(100, 1),
            SourceOffset.stream(300, 1),
            SourceOffset.stream(300, 2),
            SourceOffset.stream(300, 3));
    assertThat(value(3).getStruct(Envelope.SOURCE).get(Envelope.TX_ID)).isEqualTo(9L);
    assertThat(assembler.betweenTransactions()).isTrue();
    out.forEach(tracker::acknowledged);
    assertThat(tracker.confirmable()).isEqualTo(310);
  }

  @Test
  void aStreamedTransactionReplayedAfterARestartSkipsWhatWasDelivered() throws Exception {
    resumingAfter(SourceOffset.stream(300, 2));
    stream(9, streamedInsert(9, 1, "a"), streamedInsert(9, 2, "b"), streamedInsert(9, 3, "c"));
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));
    replayAll();

    assertThat(offsets()).containsExactly(SourceOffset.stream(300, 3));
  }

  @Test
  void aLargeStreamedTransactionIsReplayedInOrderAcrossPollsAndChunks() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    int rows = 3 * ReplayWorker.CHUNK_RECORDS + 7;
    streamedAndCommitted(rows);

    while (assembler.replaying()) {
      List<SourceRecord> batch = replayPoll(700);
      assertThat(batch.size()).isLessThanOrEqualTo(700);
      out.addAll(batch);
      if (!batch.isEmpty()) {
        assertThat(assembler.resumePosition())
            .isEqualTo(SourceOffset.fromMap(batch.get(batch.size() - 1).sourceOffset()));
      }
    }

    assertThat(offsets()).hasSize(rows);
    for (int i = 0; i < rows; i++) {
      assertThat(offsets().get(i)).isEqualTo(SourceOffset.stream(300, i + 1));
      assertThat(value(i).getStruct(Envelope.AFTER).get("id")).isEqualTo(i + 1);
    }
    assertThat(assembler.betweenTransactions()).isTrue();
    out.forEach(tracker::acknowledged);
    assertThat(tracker.confirmable()).isEqualTo(310);
  }

  @Test
  void aDeleteAndItsTombstoneFromTheReplayGoOutInOnePoll() throws Exception {
    tombstones = true;
    resumingAfter(SourceOffset.snapshotDone(50));
    stream(9, streamedInsert(9, 1, "a"), streamedDelete(9, 1), streamedInsert(9, 2, "b"));
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));

    List<SourceRecord> first = replayPoll(2); // the insert, the delete and its tombstone
    out.addAll(first);
    out.addAll(replayPoll(10));

    assertThat(first).hasSize(3);
    assertThat(first.get(2).value()).isNull();
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.stream(300, 3));
    assertThat(offsets())
        .containsExactly(
            SourceOffset.stream(300, 1),
            SourceOffset.stream(300, 2),
            SourceOffset.stream(300, 2),
            SourceOffset.stream(300, 3));
  }

  @Test
  void aFailureWhileReplayingReachesTheTaskThreadWhichResumesAfterWhatItHandedOut()
      throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    ByteBuffer bad = ByteBuffer.allocate(1 + 4 + 4 + 1 + 2 + 5 + 1);
    bad.put((byte) 'I').putInt(9).putInt(REL).put((byte) 'N').putShort((short) 1);
    bad.put((byte) 't').putInt(1).put((byte) '3').flip(); // one column, the relation has two
    stream(9, streamedInsert(9, 1, "a"), streamedInsert(9, 2, "b"), bad);
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));

    assertThatThrownBy(this::replayAll)
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("carries 1 columns");
    assertThat(assembler.resumePosition()).isEqualTo(SourceOffset.snapshotDone(50));
  }

  @Test
  void withAnObserverTheReplayBuildsItsRecordsOnTheTaskThread() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    List<Thread> threads = new ArrayList<>();
    assembler.observe(
        new StreamObserver() {
          @Override
          public boolean owns(String prefix) {
            return false;
          }

          @Override
          public List<SourceRecord> message(String prefix, byte[] content, long lsn, long now) {
            return List.of();
          }

          @Override
          public void changed(TableSchema t, RecordBuilder.Row row) {
            threads.add(Thread.currentThread());
          }

          @Override
          public void truncated(TableSchema t) {}
        });
    streamedAndCommitted(3);
    replayAll();

    assertThat(threads).containsOnly(Thread.currentThread()).hasSize(3);
    assertThat(offsets()).hasSize(3);
  }

  @Test
  void anAbortedSubtransactionIsLeftOutAndAnAbortedTransactionDropped() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    stream(9, streamedInsert(9, 1, "kept"), streamedInsert(10, 2, "rolled back"));
    feed(new StreamAbort(9, 10, Optional.empty(), Optional.empty()));
    stream(11, streamedInsert(11, 5, "aborted"));
    feed(new StreamAbort(11, 11, Optional.empty(), Optional.empty()));
    assertThat(assembler.betweenTransactions()).isTrue();
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));
    replayAll();

    assertThat(out).hasSize(1);
    assertThat(value(0).getStruct(Envelope.AFTER).get("v")).isEqualTo("kept");
  }

  @Test
  void aStreamBlockSpoolsTransactionalMessagesAndRelations() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    stream(9, streamedRelation(9), streamedInsert(9, 1, "a"));
    assertThat(relations).isEmpty(); // spooled, not yet applied
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));
    replayAll();

    assertThat(relations).extracting(Relation::name).containsExactly("t");
    assertThat(ops()).containsExactly("c");
  }

  /**
   * The task does not ask for two_phase: the server decodes a prepared transaction when it is
   * committed, as Begin ... Commit, and sends nothing for one rolled back; a two-phase message
   * means the slot was created for two-phase decoding.
   */
  @Test
  void twoPhaseMessagesAreRefusedNamingTheSlot() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    Lsn l = new Lsn(100);
    for (PgOutputMessage m :
        List.of(
            new BeginPrepare(l, l, TIME, 7, "g"),
            new Prepare(0, l, l, TIME, 7, "g"),
            new CommitPrepared(0, l, l, TIME, 7, "g"),
            new RollbackPrepared(0, l, l, TIME, TIME, 7, "g"))) {
      assertThatThrownBy(() -> feed(m))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("on slot s")
          .hasMessageContaining("two-phase decoding is not requested");
    }
  }

  @Test
  void aRowChangeOutsideATransactionIsAProtocolError() {
    resumingAfter(SourceOffset.snapshotDone(50));
    assertThatThrownBy(() -> feed(insert(1, "a")))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("outside a transaction on slot s");
  }

  @Test
  void changesOfTablesNotCapturedBecomeNoRecordButTakeAPosition() throws Exception {
    resumingAfter(SourceOffset.snapshotDone(50));
    Insert other = new Insert(OptionalInt.empty(), REL + 1, tuple(1, "a"));
    feed(begin(100, 7), other, insert(2, "b"), commit(100, 120));

    assertThat(offsets()).containsExactly(SourceOffset.stream(100, 2));
  }

  // --- messages -----------------------------------------------------------------------------

  private void feed(PgOutputMessage... messages) throws Exception {
    for (PgOutputMessage m : messages) {
      assembler.accept(m, null, 0, out, NOW);
    }
  }

  /** One stream block of {@code xid}: the messages go in as bytes, as the server sends them. */
  private void stream(int xid, ByteBuffer... payloads) throws Exception {
    feed(new StreamStart(xid, 0));
    assertThat(assembler.inStreamBlock()).isTrue();
    PgOutputDecoder decoder = new PgOutputDecoder(4);
    for (ByteBuffer p : payloads) {
      assembler.accept(decoder.decode(p.duplicate(), true), p, 0, out, NOW);
    }
    feed(new StreamStop());
    assertThat(assembler.inStreamBlock()).isFalse();
  }

  private void replayAll() throws Exception {
    while (assembler.replaying()) {
      assembler.replayNext(out, Integer.MAX_VALUE, System.nanoTime() + 1_000_000_000L);
    }
  }

  /** One poll's worth of the replay: up to {@code max} records, as StreamReader asks for them. */
  private List<SourceRecord> replayPoll(int max) throws Exception {
    List<SourceRecord> batch = new ArrayList<>();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (batch.size() < max
        && assembler.replaying()
        && assembler.replayNext(batch, max, deadline)) {
      // next
    }
    return batch;
  }

  /** A streamed transaction of xid 9 with inserts of ids 1 to {@code rows}, committed at 300. */
  private void streamedAndCommitted(int rows) throws Exception {
    ByteBuffer[] inserts = new ByteBuffer[rows];
    for (int i = 0; i < rows; i++) {
      inserts[i] = streamedInsert(9, i + 1, "v" + (i + 1));
    }
    stream(9, inserts);
    feed(new StreamCommit(9, 0, new Lsn(300), new Lsn(310), TIME));
  }

  private static Begin begin(long commitLsn, int xid) {
    return new Begin(new Lsn(commitLsn), TIME, xid);
  }

  private static Commit commit(long commitLsn, long endLsn) {
    return new Commit(0, new Lsn(commitLsn), new Lsn(endLsn), TIME);
  }

  private static List<TupleValue> tuple(int id, String v) {
    return List.of(
        TupleValue.Text.of(Integer.toString(id)),
        v == null ? TupleValue.Null.INSTANCE : TupleValue.Text.of(v));
  }

  private static Insert insert(int id, String v) {
    return new Insert(OptionalInt.empty(), REL, tuple(id, v));
  }

  private static Update update(int id, String v) {
    return new Update(OptionalInt.empty(), REL, Optional.empty(), tuple(id, v));
  }

  private static Delete delete(int id) {
    return new Delete(OptionalInt.empty(), REL, new OldTuple(true, tuple(id, null)));
  }

  private static Message nonTransactional(long lsn, String prefix, String content) {
    return new Message(
        OptionalInt.empty(), 0, new Lsn(lsn), prefix, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Insert in a stream block: 'I', Int32 xid, Int32 relation, 'N', the tuple. */
  private static ByteBuffer streamedInsert(int xid, int id, String v) {
    byte[] idText = Integer.toString(id).getBytes(StandardCharsets.UTF_8);
    byte[] vText = v.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 4 + 1 + 2 + 2 * 5 + idText.length + vText.length);
    b.put((byte) 'I').putInt(xid).putInt(REL).put((byte) 'N').putShort((short) 2);
    b.put((byte) 't').putInt(idText.length).put(idText);
    b.put((byte) 't').putInt(vText.length).put(vText);
    return b.flip();
  }

  /** Delete in a stream block: 'D', Int32 xid, Int32 relation, 'K', the key tuple. */
  private static ByteBuffer streamedDelete(int xid, int id) {
    byte[] idText = Integer.toString(id).getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 4 + 1 + 2 + 5 + idText.length + 1);
    b.put((byte) 'D').putInt(xid).putInt(REL).put((byte) 'K').putShort((short) 2);
    b.put((byte) 't').putInt(idText.length).put(idText);
    b.put((byte) 'n');
    return b.flip();
  }

  /** Relation in a stream block: 'R', Int32 xid, Int32 relation, names, identity, columns. */
  private static ByteBuffer streamedRelation(int xid) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put((byte) 'R').putInt(xid).putInt(REL);
    b.put("public\0".getBytes(StandardCharsets.UTF_8)).put("t\0".getBytes(StandardCharsets.UTF_8));
    b.put((byte) 'd').putShort((short) 2);
    b.put((byte) 1).put("id\0".getBytes(StandardCharsets.UTF_8)).putInt(23).putInt(-1);
    b.put((byte) 0).put("v\0".getBytes(StandardCharsets.UTF_8)).putInt(25).putInt(-1);
    return b.flip();
  }

  // --- records ------------------------------------------------------------------------------

  private Struct value(int i) {
    return (Struct) out.get(i).value();
  }

  private List<String> ops() {
    return out.stream().map(r -> ((Struct) r.value()).getString(Envelope.OP)).toList();
  }

  private List<SourceOffset> offsets() {
    return out.stream().map(r -> SourceOffset.fromMap(r.sourceOffset())).toList();
  }
}
