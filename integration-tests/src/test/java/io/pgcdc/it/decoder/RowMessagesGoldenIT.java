package io.pgcdc.it.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgcdc.decoder.Begin;
import io.pgcdc.decoder.Commit;
import io.pgcdc.decoder.Delete;
import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.Lsn;
import io.pgcdc.decoder.Message;
import io.pgcdc.decoder.OldTuple;
import io.pgcdc.decoder.PgOutputMessage;
import io.pgcdc.decoder.Relation;
import io.pgcdc.decoder.Truncate;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.Update;
import io.pgcdc.it.decoder.SlotChanges.Change;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Insert, Update (with and without old key or old row, unchanged and changed TOAST values), Delete
 * (key and full old row), Truncate with its options, logical decoding messages, and the Begin and
 * Commit around them, as a real server sends them.
 */
@ExtendWith(PostgresExtension.class)
class RowMessagesGoldenIT {

  private static String incompressible(int length, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  @Test
  void rowChangesCarryTheirTuplesAndTransactionBounds(PostgresServer pg) throws Exception {
    String t = pg.uniqueName("rows");
    String full = pg.uniqueName("full");
    pg.execute(
        "CREATE TABLE " + t + " (id int PRIMARY KEY, note text, big text)",
        "ALTER TABLE " + t + " ALTER COLUMN big SET STORAGE EXTERNAL",
        "CREATE TABLE " + full + " (id int, v text)",
        "ALTER TABLE " + full + " REPLICA IDENTITY FULL");
    String big = incompressible(10_000, 1);
    String big2 = incompressible(9_000, 2);
    try (SlotChanges slot = SlotChanges.create(pg, false, t, full)) {
      long x1 =
          SlotChanges.transaction(
              pg,
              "COMMIT",
              "INSERT INTO " + t + " VALUES (1, 'one', '" + big + "'), (2, NULL, 'small')",
              "INSERT INTO " + full + " VALUES (7, 'seven')");
      long x2 =
          SlotChanges.transaction(
              pg,
              "COMMIT",
              "UPDATE " + t + " SET note = 'uno' WHERE id = 1", // big unchanged: 'u'
              "UPDATE " + t + " SET id = 3 WHERE id = 2", // key changed: old key 'K'
              "UPDATE " + t + " SET big = '" + big2 + "' WHERE id = 1", // TOAST changed
              "UPDATE " + full + " SET v = 'siete'", // replica identity full: 'O'
              "DELETE FROM " + t + " WHERE id = 3", // 'K'
              "DELETE FROM " + full, // 'O'
              "SELECT pg_logical_emit_message(true, 'pfx', 'in tx')");
      boolean messages = pg.majorVersion() >= 14; // pgoutput's messages option: PostgreSQL 14
      long x3 =
          SlotChanges.transaction(
              pg, "COMMIT", "TRUNCATE " + t + ", " + full + " RESTART IDENTITY CASCADE");
      List<Change> all = messages ? slot.read(1, "messages", "true") : slot.read(1);

      int relT = oid(pg, t);
      int relFull = oid(pg, full);

      // Transaction 1: Begin, Relation, Insert, Insert, Relation, Insert, Commit.
      List<PgOutputMessage> tx1 = SlotChanges.messages(SlotChanges.ofXid(all, x1));
      Begin begin = (Begin) tx1.get(0);
      Commit commit = (Commit) tx1.get(tx1.size() - 1);
      assertThat(Integer.toUnsignedLong(begin.xid())).isEqualTo(x1);
      assertThat(begin.finalLsn()).isEqualTo(commit.commitLsn());
      assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());
      assertThat(commit.commitTime()).isEqualTo(begin.commitTime());
      assertThat(Duration.between(commit.commitTime(), Instant.now()).abs())
          .isLessThan(Duration.ofMinutes(5));
      List<Insert> inserts = SlotChanges.of(SlotChanges.ofXid(all, x1), Insert.class);
      assertThat(inserts).hasSize(3);
      assertThat(inserts.get(0).relationId()).isEqualTo(relT);
      assertThat(inserts.get(0).newTuple()).containsExactly(text("1"), text("one"), text(big));
      assertThat(inserts.get(1).newTuple())
          .containsExactly(text("2"), TupleValue.Null.INSTANCE, text("small"));
      assertThat(inserts.get(2).relationId()).isEqualTo(relFull);
      Relation rel = SlotChanges.of(SlotChanges.ofXid(all, x1), Relation.class).get(0);
      assertThat(rel.columns())
          .extracting(Relation.Column::name)
          .containsExactly("id", "note", "big");
      assertThat(rel.columns())
          .extracting(Relation.Column::isKey)
          .containsExactly(true, false, false);

      // Transaction 2: updates and deletes.
      List<Change> c2 = SlotChanges.ofXid(all, x2);
      List<Update> updates = SlotChanges.of(c2, Update.class);
      assertThat(updates).hasSize(4);
      assertThat(updates.get(0).oldTuple()).isEmpty();
      assertThat(updates.get(0).newTuple())
          .containsExactly(text("1"), text("uno"), TupleValue.UnchangedToast.INSTANCE);
      assertThat(updates.get(1).oldTuple())
          .contains(
              new OldTuple(
                  true, List.of(text("2"), TupleValue.Null.INSTANCE, TupleValue.Null.INSTANCE)));
      assertThat(updates.get(1).newTuple())
          .containsExactly(text("3"), TupleValue.Null.INSTANCE, text("small"));
      assertThat(updates.get(2).newTuple()).containsExactly(text("1"), text("uno"), text(big2));
      assertThat(updates.get(3).relationId()).isEqualTo(relFull);
      assertThat(updates.get(3).oldTuple())
          .isEqualTo(Optional.of(new OldTuple(false, List.of(text("7"), text("seven")))));
      assertThat(updates.get(3).newTuple()).containsExactly(text("7"), text("siete"));
      List<Delete> deletes = SlotChanges.of(c2, Delete.class);
      assertThat(deletes).hasSize(2);
      assertThat(deletes.get(0).oldTuple())
          .isEqualTo(
              new OldTuple(
                  true, List.of(text("3"), TupleValue.Null.INSTANCE, TupleValue.Null.INSTANCE)));
      assertThat(deletes.get(1).oldTuple())
          .isEqualTo(new OldTuple(false, List.of(text("7"), text("siete"))));
      assertThat(SlotChanges.of(c2, Message.class)).hasSize(messages ? 1 : 0);
      for (Message message : SlotChanges.of(c2, Message.class)) {
        assertThat(message.transactional()).isTrue();
        assertThat(message.prefix()).isEqualTo("pfx");
        assertThat(message.contentText()).isEqualTo("in tx");
        assertThat(message.lsn().isValid()).isTrue();
      }
      for (Change c : c2) {
        if (c.message() instanceof Message m) {
          assertThat(m.lsn()).isEqualTo(Lsn.parse(c.lsn()));
        }
      }

      // Transaction 3: one Truncate over both tables, with both options.
      Truncate truncate = SlotChanges.of(SlotChanges.ofXid(all, x3), Truncate.class).get(0);
      assertThat(truncate.relationIds()).containsExactlyInAnyOrder(relT, relFull);
      assertThat(truncate.cascade()).isTrue();
      assertThat(truncate.restartIdentity()).isTrue();
    } finally {
      pg.execute("DROP TABLE IF EXISTS " + t, "DROP TABLE IF EXISTS " + full);
    }
  }

  @Test
  void nonTransactionalMessageStandsAlone(PostgresServer pg) throws Exception {
    assumeTrue(pg.majorVersion() >= 14, "pgoutput's messages option needs PostgreSQL 14");
    String t = pg.uniqueName("msg");
    pg.execute("CREATE TABLE " + t + " (id int PRIMARY KEY)");
    try (SlotChanges slot = SlotChanges.create(pg, false, t)) {
      pg.execute(
          "SELECT pg_logical_emit_message(false, 'note', '\\x00ff'::bytea)",
          // A message outside a transaction is not flushed at once; a commit flushes the WAL.
          "INSERT INTO " + t + " VALUES (1)");
      List<Message> messages = SlotChanges.of(slot.read(1, "messages", "true"), Message.class);
      Message m =
          messages.stream().filter(x -> x.prefix().equals("note")).findFirst().orElseThrow();
      assertThat(m.transactional()).isFalse();
      assertThat(m.content()).containsExactly(0, 0xff);
      assertThat(m.xid()).isEmpty();
    } finally {
      pg.execute("DROP TABLE IF EXISTS " + t);
    }
  }

  private static TupleValue text(String s) {
    return TupleValue.Text.of(s);
  }

  private static int oid(PostgresServer pg, String table) throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT '" + table + "'::regclass::oid::bigint")) {
      rs.next();
      return (int) rs.getLong(1);
    }
  }
}
