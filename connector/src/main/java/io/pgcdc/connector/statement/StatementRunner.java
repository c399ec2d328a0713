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
 * batch (pgjdbc pipelines a batch: one round trip for many records), or, for a template of several
 * statements, as one text of each record's statements in order for many records. {@link
 * #runIsolating} puts each batch under a savepoint and, when it fails, splits it in halves until
 * the records that fail stand alone: they are returned, the rest is applied.
 */
final class StatementRunner implements AutoCloseable {
  /** A record whose statements failed, and the error. */
  record Failure(Item item, SQLException error) {}

  private static final int MAX_PREPARED = 64;

  /** Most records whose statements go in one text, when a template has several; a power of 2. */
  static final int CHUNK = 64;

  private static final int CHUNK_SIZES = Integer.numberOfTrailingZeros(CHUNK) + 1;

  /** The texts of a template's SQL for 1, 2, 4 ... {@link #CHUNK} records. */
  private final Map<List<String>, String[]> chunks = new java.util.HashMap<>();

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
   * Items of one SQL: a one-statement template as one batch; a template of several statements as
   * one text that holds each record's statements in order for up to {@link #CHUNK} records, sent in
   * one round trip (pgjdbc sends the statements of one text as a pipeline, each with its own
   * parameters; it cannot batch a text of several statements, pgjdbc#4349, and batching each
   * statement over the records would change their order); a single item on its own, statement by
   * statement, so that its error is the server's own for the statement that failed.
   */
  private void execute(List<Item> run) throws SQLException {
    List<String> sql = run.get(0).sql();
    if (run.size() == 1) {
      Item item = run.get(0);
      for (int s = 0; s < sql.size(); s++) {
        PreparedStatement ps = statement(sql.get(s));
        bind(ps, item, s, 0);
        ps.execute();
      }
      return;
    }
    if (sql.size() > 1) {
      for (int i = 0; i < run.size(); ) {
        int k = Integer.highestOneBit(Math.min(CHUNK, run.size() - i));
        PreparedStatement ps = statement(chunk(sql, k));
        int perRecord = run.get(0).args().length;
        for (int j = 0; j < k; j++) {
          bind(ps, run.get(i + j), -1, j * perRecord);
        }
        ps.execute();
        i += k;
      }
      return;
    }
    PreparedStatement ps = statement(sql.get(0));
    for (Item item : run) {
      bind(ps, item, 0, 0);
      ps.addBatch();
    }
    try {
      ps.executeBatch();
    } finally {
      ps.clearBatch();
    }
  }

  /**
   * The text that runs the statements {@code sql} for {@code k} records, one record's after the
   * other's; each statement ends on a new line, so that a trailing line comment cannot hide the
   * semicolon.
   */
  private String chunk(List<String> sql, int k) {
    if (chunks.size() > 1_000 && !chunks.containsKey(sql)) {
      chunks.clear(); // records that bring ever new types
    }
    String[] texts = chunks.computeIfAbsent(sql, x -> new String[CHUNK_SIZES]);
    int at = Integer.numberOfTrailingZeros(k);
    if (texts[at] == null) {
      String one = String.join("\n;\n", sql);
      texts[at] = String.join("\n;\n", java.util.Collections.nCopies(k, one));
    }
    return texts[at];
  }

  /**
   * Binds the arguments of statement {@code s} of the item's template (all its statements when
   * {@code s} is -1) from placeholder {@code from + 1} on.
   */
  private static void bind(PreparedStatement ps, Item item, int s, int from) throws SQLException {
    Object[] args = item.args();
    int first = s < 0 ? 0 : item.template().firstParameter(s);
    int end = s < 0 ? args.length : item.template().firstParameter(s + 1);
    for (int i = first; i < end; i++) {
      Binding.bind(ps, from + i - first + 1, args[i]);
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
    chunks.clear();
  }
}
