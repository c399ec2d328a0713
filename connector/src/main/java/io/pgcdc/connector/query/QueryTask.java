package io.pgcdc.connector.query;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.Version;
import io.pgcdc.connector.types.TypeResolver;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its queries on their schedules, one run at a time on one connection: a row query's run is
 * handed to Connect a fetch at a time; a statement's run is one result record. A lost connection or
 * another transient failure runs the same fire time again after a backoff; any other failure stops
 * the task with a message that names the query and what to do.
 */
public final class QueryTask extends SourceTask {
  /** The connector's name, which the connector hands to its tasks. */
  static final String NAME = "pgcdc.connector.name";

  private static final Logger log = LoggerFactory.getLogger(QueryTask.class);
  private static final Duration MAX_WAIT = Duration.ofSeconds(1);
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  private QuerySourceConfig config;
  private String user;
  private QueryConnection connection;
  private ResultColumns columns;
  private RowRun.Limits limits;
  private final List<QueryState> states = new ArrayList<>();
  private final Object wake = new Object();
  private volatile boolean stopping;
  private RowRun active;
  private QueryState activeState;
  private Instant activeFire;
  private int failures;
  private StatementRun.Ledger ledger;
  private boolean boundSaid;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new QuerySourceConfig(props);
    var settings = config.connection("pgcdc-query-" + props.getOrDefault(NAME, "task"));
    user = settings.user();
    connection = new QueryConnection(settings, config.statementTimeout());
    columns = new ResultColumns(new TypeResolver(config.valueOptions()));
    limits = new RowRun.Limits(config.maxRowsPerRun(), config.maxBytesPerRun(), config.fetchSize());
    Instant now = Instant.now();
    for (QuerySpec spec : config.queries()) {
      Map<String, Object> stored =
          context.offsetStorageReader().offset(QueryOffset.partition(spec.name()));
      states.add(QueryState.resume(spec, QueryOffset.fromMap(spec.name(), stored), now));
    }
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (active != null) {
      return continueRun();
    }
    QueryState next = states.stream().min(Comparator.comparing(QueryState::due)).orElseThrow();
    Instant now = Instant.now();
    if (next.due().isAfter(now)) {
      waitUntil(next.due(), now);
      return null;
    }
    Instant fire = next.take(now);
    try {
      return startRun(next, fire);
    } catch (SQLException e) {
      failed(next, fire, e);
      return null;
    }
  }

  private List<SourceRecord> startRun(QueryState state, Instant fire) throws SQLException {
    QuerySpec spec = state.spec;
    log.debug("Query {}: run for fire time {}", spec.name(), fire);
    if (spec.statement()) {
      SourceRecord result = StatementRun.run(connection.get(), spec, fire.toEpochMilli(), ledger());
      failures = 0;
      commitTransaction(result);
      return List.of(result);
    }
    String bound = null;
    if (spec.mode().usesTimestamp()) {
      RowQuery.Bound b = RowQuery.bound(connection.get(), config.timestampDelay());
      bound = b.text();
      sayWhichBound(b);
    }
    String horizon = spec.mode() == QueryMode.XMIN ? RowQuery.horizon(connection.get()) : null;
    active =
        RowRun.open(
            connection.get(),
            spec,
            fire.toEpochMilli(),
            state.position(),
            bound,
            horizon,
            limits,
            columns);
    activeState = state;
    activeFire = fire;
    return continueRun();
  }

  /** Says once which bound the timestamp modes run with: it decides what they can miss. */
  private void sayWhichBound(RowQuery.Bound b) {
    if (boundSaid) {
      return;
    }
    boundSaid = true;
    if (b.fromTransactions()) {
      log.info(
          "Timestamp-mode runs stop before the oldest open transaction of the database, which {}"
              + " can see",
          user);
    } else {
      log.warn(
          "Timestamp-mode runs stop {} ms before the server's clock ({}): {} cannot see other"
              + " sessions' transactions (GRANT pg_read_all_stats TO {} to stop just before the"
              + " oldest open one instead); a transaction writing for longer than that can be"
              + " missed",
          config.timestampDelay().toMillis(),
          QuerySourceConfig.TIMESTAMP_DELAY_CONFIG,
          user,
          user);
    }
  }

  /** The ledger of statement runs, created on first use; null when there is none. */
  private StatementRun.Ledger ledger() throws SQLException {
    if (ledger == null && config.ledgerTable() != null) {
      ledger = StatementRun.Ledger.create(connection.get(), config.ledgerTable());
    }
    return ledger;
  }

  /**
   * The next batch of the active run. A failure, also of the commit that ends the run, hands out
   * nothing of this batch and runs the same fire time again from the last row handed out.
   */
  private List<SourceRecord> continueRun() {
    RowRun run = active;
    QueryState state = activeState;
    Instant fire = activeFire;
    List<SourceRecord> batch;
    try {
      batch = run.next(config.fetchSize());
      if (run.finished()) {
        endRun();
        run.close();
        connection.get().commit();
        failures = 0;
      }
    } catch (SQLException e) {
      endRun();
      Closeables.closeQuietly(run);
      failed(state, fire, e);
      return null;
    }
    state.advance(run.position());
    if (run.finished() && !batch.isEmpty()) {
      commitTransaction(batch.get(batch.size() - 1));
    }
    return batch;
  }

  private void endRun() {
    active = null;
    activeState = null;
    activeFire = null;
  }

  /** Ends the run's transaction when the connector defines the boundaries (exactly once). */
  private void commitTransaction(SourceRecord last) {
    TransactionContext tx = context.transactionContext();
    if (tx != null) {
      tx.commitTransaction(last);
    }
  }

  private void failed(QueryState state, Instant fire, SQLException e) {
    connection.reset();
    if (!PgErrors.isTransient(e)) {
      throw QueryErrors.describe(state.spec, user, e, RowQuery.userOffset(state.spec));
    }
    Duration wait = BACKOFF.after(failures++);
    log.warn(
        "Query {}: run for fire time {} failed ({}); trying again in {} ms",
        state.spec.name(),
        fire,
        e.toString(),
        wait.toMillis());
    state.failed(fire, Instant.now().plus(wait));
  }

  private void waitUntil(Instant due, Instant now) throws InterruptedException {
    Duration wait = Duration.between(now, due);
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    synchronized (wake) {
      if (!stopping) {
        wake.wait(Math.max(1, wait.toMillis()));
      }
    }
  }

  @Override
  public void stop() {
    stopping = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    if (connection != null) {
      connection.close();
    }
  }
}
