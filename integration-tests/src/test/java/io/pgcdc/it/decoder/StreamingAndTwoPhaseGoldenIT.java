package io.pgcdc.it.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgcdc.decoder.BeginPrepare;
import io.pgcdc.decoder.CommitPrepared;
import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.PgOutputMessage;
import io.pgcdc.decoder.Prepare;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.RollbackPrepared;
import io.pgcdc.decoder.StreamAbort;
import io.pgcdc.decoder.StreamCommit;
import io.pgcdc.decoder.StreamPrepare;
import io.pgcdc.decoder.StreamStart;
import io.pgcdc.decoder.StreamStop;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.it.decoder.SlotChanges.Change;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Large in-progress transactions streamed in blocks (PostgreSQL 14+, logical_decoding_work_mem set
 * low so they stream), and two-phase transactions decoded at PREPARE (PostgreSQL 15+).
 */
@ExtendWith(PostgresExtension.class)
class StreamingAndTwoPhaseGoldenIT {

  private static final String ROWS =
      "INSERT INTO %s SELECT g, repeat('x', 100) FROM generate_series(%d, %d) g";

  /** The messages from the Stream Start blocks of one xid up to its stream end message. */
  private static List<PgOutputMessage> streamOf(List<Change> changes, long xid) {
    List<PgOutputMessage> out = new ArrayList<>();
    boolean mine = false;
    for (Change c : changes) {
      PgOutputMessage m = c.message();
      if (m instanceof StreamStart s) {
        mine = Integer.toUnsignedLong(s.xid()) == xid;
      }
      if (mine
          || (m instanceof StreamCommit sc && Integer.toUnsignedLong(sc.xid()) == xid)
          || (m instanceof StreamAbort sa && Integer.toUnsignedLong(sa.xid()) == xid)
          || (m instanceof StreamPrepare sp && Integer.toUnsignedLong(sp.xid()) == xid)) {
        out.add(m);
      }
      if (m instanceof StreamStop) {
        mine = false;
      }
    }
    return out;
  }

  @Test
  void largeTransactionsStreamInBlocksWithTheirXid(PostgresServer pg) throws Exception {
    assumeTrue(pg.majorVersion() >= 14, "streaming needs PostgreSQL 14");
    String t = pg.uniqueName("stream");
    pg.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, pad text)");
    try (SlotChanges slot = SlotChanges.create(pg, false, t)) {
      long committed = SlotChanges.transaction(pg, "COMMIT", String.format(ROWS, t, 1, 3000));
      long aborted = SlotChanges.transaction(pg, "ROLLBACK", String.format(ROWS, t, 5001, 8000));
      long withSub =
          SlotChanges.transaction(
              pg,
              "COMMIT",
              String.format(ROWS, t, 10001, 13000),
              "SAVEPOINT s",
              String.format(ROWS, t, 20001, 23000),
              "ROLLBACK TO SAVEPOINT s",
              String.format(ROWS, t, 30001, 30010));
      List<Change> all = slot.read(false, 2, "64kB", "streaming", "true");

      List<PgOutputMessage> c = streamOf(all, committed);
      assertThat(c.get(0)).isInstanceOf(StreamStart.class);
      assertThat(((StreamStart) c.get(0)).isFirstSegment()).isTrue();
      assertThat(c.stream().filter(m -> m instanceof StreamStart).count()).isGreaterThan(1);
      assertThat(c.stream().skip(1).filter(m -> m instanceof StreamStart))
          .allMatch(m -> !((StreamStart) m).isFirstSegment());
      List<Insert> inserts = new ArrayList<>();
      for (PgOutputMessage m : c) {
        if (m instanceof Insert i) {
          inserts.add(i);
          assertThat(Integer.toUnsignedLong(i.xid().orElseThrow())).isEqualTo(committed);
        }
        if (m instanceof Relation r) {
          assertThat(Integer.toUnsignedLong(r.xid().orElseThrow())).isEqualTo(committed);
        }
      }
      assertThat(inserts).hasSize(3000);
      assertThat(inserts.get(2999).newTuple().get(0)).isEqualTo(TupleValue.Text.of("3000"));
      StreamCommit commit = (StreamCommit) c.get(c.size() - 1);
      assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());

      List<PgOutputMessage> a = streamOf(all, aborted);
      StreamAbort abort = (StreamAbort) a.get(a.size() - 1);
      assertThat(abort.isTopLevel()).isTrue();
      assertThat(abort.abortLsn()).isEmpty();

      List<PgOutputMessage> s = streamOf(all, withSub);
      List<StreamAbort> subAborts = SlotChanges.of(changesOf(s), StreamAbort.class);
      assertThat(subAborts).hasSize(1);
      assertThat(subAborts.get(0).isTopLevel()).isFalse();
      assertThat(s.get(s.size() - 1)).isInstanceOf(StreamCommit.class);
    } finally {
      pg.execute("DROP TABLE IF EXISTS " + t);
    }
  }

  @Test
  void parallelStreamingAbortCarriesItsLsnAndTime(PostgresServer pg) throws Exception {
    assumeTrue(pg.majorVersion() >= 16, "protocol version 4 needs PostgreSQL 16");
    String t = pg.uniqueName("parallel");
    pg.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, pad text)");
    try (SlotChanges slot = SlotChanges.create(pg, false, t)) {
      long aborted = SlotChanges.transaction(pg, "ROLLBACK", String.format(ROWS, t, 1, 3000));
      long committed = SlotChanges.transaction(pg, "COMMIT", String.format(ROWS, t, 5001, 8000));
      List<Change> all = slot.read(false, 4, "64kB", "streaming", "parallel");
      List<PgOutputMessage> a = streamOf(all, aborted);
      StreamAbort abort = (StreamAbort) a.get(a.size() - 1);
      assertThat(abort.isTopLevel()).isTrue();
      assertThat(abort.abortLsn()).hasValueSatisfying(lsn -> assertThat(lsn.isValid()).isTrue());
      assertThat(abort.abortTime()).isPresent();
      List<PgOutputMessage> c = streamOf(all, committed);
      assertThat(c.get(c.size() - 1)).isInstanceOf(StreamCommit.class);
    } finally {
      pg.execute("DROP TABLE IF EXISTS " + t);
    }
  }

  @Test
  void preparedTransactionsAreDecodedAtPrepare(PostgresServer pg) throws Exception {
    assumeTrue(pg.majorVersion() >= 15, "two-phase decoding needs PostgreSQL 15");
    assumeTrue(maxPreparedTransactions(pg) > 0, "max_prepared_transactions is 0");
    String t = pg.uniqueName("twophase");
    String gid1 = pg.uniqueName("gid");
    String gid2 = pg.uniqueName("gid");
    String gid3 = pg.uniqueName("gid");
    pg.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, pad text)");
    try (SlotChanges slot = SlotChanges.create(pg, true, t)) {
      long x1 =
          SlotChanges.transaction(
              pg, "PREPARE TRANSACTION '" + gid1 + "'", String.format(ROWS, t, 1, 2));
      pg.execute("COMMIT PREPARED '" + gid1 + "'");
      long x2 =
          SlotChanges.transaction(
              pg, "PREPARE TRANSACTION '" + gid2 + "'", String.format(ROWS, t, 3, 3));
      pg.execute("ROLLBACK PREPARED '" + gid2 + "'");
      long x3 =
          SlotChanges.transaction(
              pg, "PREPARE TRANSACTION '" + gid3 + "'", String.format(ROWS, t, 100, 3100));
      pg.execute("COMMIT PREPARED '" + gid3 + "'");
      List<Change> all = slot.read(false, 3, "64kB", "two_phase", "true", "streaming", "true");

      BeginPrepare begin =
          SlotChanges.of(all, BeginPrepare.class).stream()
              .filter(b -> b.gid().equals(gid1))
              .findFirst()
              .orElseThrow();
      assertThat(Integer.toUnsignedLong(begin.xid())).isEqualTo(x1);
      Prepare prepare =
          SlotChanges.of(all, Prepare.class).stream()
              .filter(p -> p.gid().equals(gid1))
              .findFirst()
              .orElseThrow();
      assertThat(prepare.prepareLsn()).isEqualTo(begin.prepareLsn());
      assertThat(prepare.endLsn()).isEqualTo(begin.endLsn());
      assertThat(prepare.xid()).isEqualTo(begin.xid());
      CommitPrepared committed =
          SlotChanges.of(all, CommitPrepared.class).stream()
              .filter(p -> p.gid().equals(gid1))
              .findFirst()
              .orElseThrow();
      assertThat(committed.xid()).isEqualTo(begin.xid());
      assertThat(committed.commitLsn()).isGreaterThan(prepare.prepareLsn());

      RollbackPrepared rolledBack =
          SlotChanges.of(all, RollbackPrepared.class).stream()
              .filter(p -> p.gid().equals(gid2))
              .findFirst()
              .orElseThrow();
      assertThat(Integer.toUnsignedLong(rolledBack.xid())).isEqualTo(x2);
      assertThat(rolledBack.rollbackEndLsn()).isGreaterThan(rolledBack.prepareEndLsn());

      List<PgOutputMessage> big = streamOf(all, x3);
      StreamPrepare streamPrepare = (StreamPrepare) big.get(big.size() - 1);
      assertThat(streamPrepare.gid()).isEqualTo(gid3);
      assertThat(big.stream().filter(m -> m instanceof Insert).count()).isEqualTo(3001);
      assertThat(SlotChanges.of(all, CommitPrepared.class))
          .anyMatch(p -> p.gid().equals(gid3) && Integer.toUnsignedLong(p.xid()) == x3);
    } finally {
      pg.execute("DROP TABLE IF EXISTS " + t);
    }
  }

  private static List<Change> changesOf(List<PgOutputMessage> messages) {
    List<Change> out = new ArrayList<>();
    for (PgOutputMessage m : messages) {
      out.add(new Change("0/0", 0, new byte[0], m));
    }
    return out;
  }

  private static int maxPreparedTransactions(PostgresServer pg) throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
      rs.next();
      return Integer.parseInt(rs.getString(1));
    }
  }
}
