package io.pgcdc.it.e2e;

import io.pgcdc.it.pg.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps changing a table {@code (id bigint PRIMARY KEY, v bigint, payload text)} on a thread of its
 * own, in small transactions of inserts, updates ({@code v = v + 1}) and deletes, and on request
 * one large transaction that updates every row. Remembers every committed change as {@code
 * "c:id:v"} / {@code "u:id:v"} / {@code "d:id"}; ids are never reused, so each is unique. {@link
 * #whilePaused} runs an action between two transactions (e.g. a server restart), after which the
 * writer reconnects.
 */
final class ChangeWriter implements AutoCloseable {
  /** Pace of the small transactions: a load schedule, not a wait for anything. */
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(8);

  private final PostgresServer pg;
  private final String table;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Set<String> committed = ConcurrentHashMap.newKeySet();
  private final List<Long> live = new ArrayList<>();
  private final AtomicReference<CompletableFuture<Integer>> largeRequest = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stop;
  private volatile boolean reconnect = true;
  private volatile Throwable error;
  private Connection connection;
  private long nextId;

  /**
   * Rows 1..{@code existingRows} exist (with v = 0). They are not changes of this writer: a
   * snapshot that is restarted reads them as they are then, so their first state may never be in
   * Kafka.
   */
  ChangeWriter(PostgresServer pg, String table, long existingRows) {
    this.pg = pg;
    this.table = table;
    for (long id = 1; id <= existingRows; id++) {
      live.add(id);
    }
    this.nextId = existingRows + 1;
    this.thread = new Thread(this::run, "change-writer-" + table);
  }

  void start() {
    thread.start();
  }

  /** Changes committed so far. */
  Set<String> committed() {
    return Set.copyOf(committed);
  }

  /** Asks for one transaction that updates every row; completes with its row count. */
  CompletableFuture<Integer> requestLargeTransaction() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (!largeRequest.compareAndSet(null, done)) {
      throw new IllegalStateException("a large transaction is already pending");
    }
    return done;
  }

  /** Runs {@code action} while no transaction is open; the writer reconnects afterwards. */
  void whilePaused(Runnable action) {
    lock.lock();
    try {
      action.run();
      reconnect = true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops after the current transaction; throws what made the writer fail, if anything. */
  @Override
  public void close() {
    stop = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the change writer", e);
    }
    CompletableFuture<Integer> pending = largeRequest.getAndSet(null);
    if (pending != null) {
      pending.cancel(false);
    }
    if (error != null) {
      throw new AssertionError("the change writer failed", error);
    }
  }

  private void run() {
    try {
      while (!stop) {
        lock.lock();
        try {
          if (reconnect) {
            reopen();
          }
          CompletableFuture<Integer> large = largeRequest.get();
          if (large != null) {
            int rows = largeTransaction();
            largeRequest.set(null);
            large.complete(rows);
          } else {
            smallTransaction();
          }
        } finally {
          lock.unlock();
        }
        LockSupport.parkNanos(PAUSE_NANOS);
      }
    } catch (Throwable t) {
      error = t;
      CompletableFuture<Integer> pending = largeRequest.get();
      if (pending != null) {
        pending.completeExceptionally(t);
      }
    } finally {
      closeConnection();
    }
  }

  private void reopen() throws SQLException {
    closeConnection();
    connection = pg.connect();
    connection.setAutoCommit(false);
    reconnect = false;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // the server restarted under it: nothing to close
      }
      connection = null;
    }
  }

  private void smallTransaction() throws SQLException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<String> changes = new ArrayList<>();
    List<Long> liveAfter = new ArrayList<>(live);
    int ops = 1 + random.nextInt(5);
    for (int i = 0; i < ops; i++) {
      int dice = random.nextInt(10);
      if (dice < 3 || liveAfter.isEmpty()) {
        long id = nextId + changes.stream().filter(c -> c.startsWith("c:")).count();
        try (PreparedStatement ps =
            connection.prepareStatement(
                "INSERT INTO public." + table + " (id, v, payload) VALUES (?, 0, md5(?::text))")) {
          ps.setLong(1, id);
          ps.setLong(2, id);
          ps.executeUpdate();
        }
        changes.add("c:" + id + ":0");
        liveAfter.add(id);
      } else if (dice < 8) {
        long id = liveAfter.get(random.nextInt(liveAfter.size()));
        try (PreparedStatement ps =
            connection.prepareStatement(
                "UPDATE public."
                    + table
                    + " SET v = v + 1, payload = md5(payload) WHERE id = ? RETURNING v")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            changes.add("u:" + id + ":" + rs.getLong(1));
          }
        }
      } else {
        int index = random.nextInt(liveAfter.size());
        long id = liveAfter.get(index);
        try (PreparedStatement ps =
            connection.prepareStatement("DELETE FROM public." + table + " WHERE id = ?")) {
          ps.setLong(1, id);
          ps.executeUpdate();
        }
        changes.add("d:" + id);
        liveAfter.set(index, liveAfter.get(liveAfter.size() - 1));
        liveAfter.remove(liveAfter.size() - 1);
      }
    }
    connection.commit();
    nextId += changes.stream().filter(c -> c.startsWith("c:")).count();
    live.clear();
    live.addAll(liveAfter);
    committed.addAll(changes);
  }

  private int largeTransaction() throws SQLException {
    List<String> changes = new ArrayList<>();
    try (PreparedStatement ps =
            connection.prepareStatement(
                "UPDATE public."
                    + table
                    + " SET v = v + 1, payload = md5(payload) RETURNING id, v");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        changes.add("u:" + rs.getLong(1) + ":" + rs.getLong(2));
      }
    }
    connection.commit();
    committed.addAll(changes);
    return changes.size();
  }
}
