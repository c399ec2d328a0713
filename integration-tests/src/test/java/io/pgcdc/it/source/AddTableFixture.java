package io.pgcdc.it.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.pg.PostgresServer;
import io.pgcdc.it.source.SourceFixture.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** What the ITs of tables added to a running source share: catalog look-ups, replay, a writer. */
final class AddTableFixture {
  private AddTableFixture() {}

  /** The connector's committed source offset (GET /connectors/NAME/offsets); missing if none. */
  static JsonNode committedOffset(ConnectCluster cluster, String name) {
    ConnectRestClient.Response r =
        cluster.rest().send("GET", "/connectors/" + name + "/offsets", null);
    return r.ok()
        ? r.json().path("offsets").path(0).path("offset")
        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /**
   * The first key value of the copy's progress in the connector's committed source offset (key
   * {@code copy_key}) of a table keyed by one int; -1 when it names none.
   */
  static int committedCopyKey(ConnectCluster cluster, String name) {
    JsonNode key = committedOffset(cluster, name).path("copy_key");
    // The key values' text, URL-encoded, comma-separated: here one int.
    return key.isTextual() ? Integer.parseInt(key.asText()) : -1;
  }

  /**
   * Waits for a committed offset that names how far the copy got (offsets are flushed every 5 s);
   * gives its key.
   */
  static int awaitCommittedCopyKey(ConnectCluster cluster, String name, Duration timeout) {
    int[] key = {-1};
    Deadline.in(timeout)
        .await(
            "a committed offset that names how far the copy got",
            () -> {
              key[0] = committedCopyKey(cluster, name);
              return key[0] > 0;
            },
            () -> "none yet");
    return key[0];
  }

  static Set<String> published(PostgresServer pg, String publication) {
    Set<String> tables = new HashSet<>();
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT tablename FROM pg_publication_tables WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return tables;
  }

  static String comment(PostgresServer pg, String publication) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT obj_description(oid, 'pg_publication') FROM pg_publication"
                    + " WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "(no publication)";
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether the changes read so far, replayed (latest value per key, deletes removing), give {@code
   * expected}; each call replays only what arrived since the last (a topic of 400,000 records is
   * read in a hundred polls).
   */
  static Predicate<List<Change>> rebuildsTo(Map<Integer, Integer> expected) {
    Map<Integer, Integer> state = new HashMap<>();
    int[] applied = {0};
    return changes -> {
      for (; applied[0] < changes.size(); applied[0]++) {
        Change c = changes.get(applied[0]);
        if (c.tombstone()) {
          continue;
        }
        int id = c.keyPayload().path("id").asInt();
        if (c.op().equals("d")) {
          state.remove(id);
        } else {
          state.put(id, c.after().path("v").asInt());
        }
      }
      return state.equals(expected);
    };
  }

  /** Tables {@code a} (10 rows) and {@code b} ({@code rows} rows): {@code (id, v)}, v = 0. */
  static void createTables(PostgresServer pg, String a, String b, int rows) {
    pg.execute(
        "CREATE TABLE " + a + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + a + " SELECT g, 0 FROM generate_series(1, 10) g",
        "CREATE TABLE " + b + " (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO " + b + " SELECT g, 0 FROM generate_series(1, " + rows + ") g");
  }

  static Map<Integer, Integer> tableState(PostgresServer pg, String table) throws SQLException {
    Map<Integer, Integer> state = new HashMap<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
      while (rs.next()) {
        state.put(rs.getInt(1), rs.getInt(2));
      }
    }
    return state;
  }

  /**
   * Until stopped: small transactions of inserts (new ids), updates (v = v + 1) and deletes on
   * {@code b}, spread over its whole key range; every tenth, an insert into {@code a}.
   */
  static void write(
      PostgresServer pg,
      String a,
      String b,
      int rows,
      AtomicBoolean stop,
      AtomicInteger writes,
      AtomicReference<Throwable> error) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int nextId = rows + 1;
    int nextA = 11;
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (!stop.get()) {
        int statements = 1 + random.nextInt(4);
        for (int i = 0; i < statements; i++) {
          int op = random.nextInt(10);
          if (op < 3) {
            s.execute("INSERT INTO " + b + " VALUES (" + nextId++ + ", 0)");
          } else if (op < 9) {
            s.execute("UPDATE " + b + " SET v = v + 1 WHERE id = " + (1 + random.nextInt(nextId)));
          } else {
            s.execute("DELETE FROM " + b + " WHERE id = " + (1 + random.nextInt(nextId)));
          }
        }
        c.commit();
        if (writes.incrementAndGet() % 10 == 0) {
          s.execute("INSERT INTO " + a + " VALUES (" + nextA++ + ", 0)");
          c.commit();
        }
      }
    } catch (SQLException | RuntimeException e) {
      error.set(e);
    }
  }
}
