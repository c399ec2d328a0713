package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.PgErrors;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs items in the caller's transaction, in order: consecutive items with the same SQL as one JDBC
 * batch (pgjdbc pipelines a batch: one round trip for many records; a template of several
 * statements runs them in order for each record). {@link #runIsolating} puts each batch under a
 * savepoint and, when it fails, splits it in halves until the records that fail stand alone: they
 * are returned, the rest is applied.
 */
final class StatementRunner implements AutoCloseable {
  /** A record whose statements failed, and the error. */
  record Failure(Item item, SQLException error) {}

  private static final int MAX_PREPARED = 64;

  private final Connection connection;

  private final Map<String, PreparedStatement> prepared =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
          if (size() > MAX_PREPARED) {
            Closeables.closeQuietly(eldest.getValue());
            return true;
          }
          return false;
        }
      };

  StatementRunner(Connection connection) {
    this.connection = connection;
  }

  /** Runs every item; the first error ends it (the transaction is then aborted). */
  void run(List<Item> items) throws SQLException {
    for (List<Item> run : runs(items)) {
      execute(run);
    }
  }

  /** Runs every item; returns the ones that failed, in order. Transient errors are thrown. */
  List<Failure> runIsolating(List<Item> items) throws SQLException {
    List<Failure> failures = new ArrayList<>();
    for (List<Item> run : runs(items)) {
      isolate(run, failures);
    }
    return failures;
  }

  private void isolate(List<Item> run, List<Failure> failures) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      execute(run);
      connection.releaseSavepoint(savepoint);
    } catch (SQLException e) {
      if (PgErrors.isTransient(e)) {
        throw e;
      }
      connection.rollback(savepoint);
      connection.releaseSavepoint(savepoint);
      if (run.size() == 1) {
        failures.add(new Failure(run.get(0), serverError(e)));
        return;
      }
      int mid = run.size() / 2;
      isolate(run.subList(0, mid), failures);
      isolate(run.subList(mid, run.size()), failures);
    }
  }

  /**
   * Items of one SQL: a one-statement template as one batch; a single item on its own, so that its
   * error is the server's own. The statements of a template of several run one after the other for
   * each record: pgjdbc cannot batch a multi-statement SQL (pgjdbc#4349), and batching each
   * statement over the records would change their order.
   */
  private void execute(List<Item> run) throws SQLException {
    List<String> sql = run.get(0).sql();
    if (sql.size() > 1 || run.size() == 1) {
      for (Item item : run) {
        for (int s = 0; s < sql.size(); s++) {
          PreparedStatement ps = statement(sql.get(s));
          bind(ps, item, s);
          ps.execute();
        }
      }
      return;
    }
    PreparedStatement ps = statement(sql.get(0));
    for (Item item : run) {
      bind(ps, item, 0);
      ps.addBatch();
    }
    try {
      ps.executeBatch();
    } finally {
      ps.clearBatch();
    }
  }

  /** Binds the arguments of statement {@code s} of the item's template. */
  private static void bind(PreparedStatement ps, Item item, int s) throws SQLException {
    Object[] args = item.args();
    int first = item.template().firstParameter(s);
    int end = item.template().firstParameter(s + 1);
    for (int i = first; i < end; i++) {
      Binding.bind(ps, i - first + 1, args[i]);
    }
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement ps = prepared.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      prepared.put(sql, ps);
    }
    return ps;
  }

  /** Consecutive items with the same SQL. */
  static List<List<Item>> runs(List<Item> items) {
    List<List<Item>> runs = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= items.size(); i++) {
      if (i == items.size() || !sameSql(items.get(i), items.get(start))) {
        runs.add(items.subList(start, i));
        start = i;
      }
    }
    return runs;
  }

  private static boolean sameSql(Item a, Item b) {
    return a.sql() == b.sql() || a.sql().equals(b.sql());
  }

  /** The server's error behind a batch's wrapper (which quotes the statement with its values). */
  static SQLException serverError(SQLException e) {
    if (e instanceof BatchUpdateException && e.getNextException() != null) {
      return e.getNextException();
    }
    return e;
  }

  @Override
  public void close() {
    prepared.values().forEach(Closeables::closeQuietly);
    prepared.clear();
  }
}
