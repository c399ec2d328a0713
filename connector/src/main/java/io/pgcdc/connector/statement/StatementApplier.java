package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.statement.StatementRunner.Failure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the records of one {@code put()} in one transaction: skips what the ledger says ran,
 * turns each record into an {@link Item} of its operation's template, runs them as batches ({@link
 * StatementRunner}), sends bad records to the dead letter queue, stores the offsets in the ledger,
 * commits. A failed batch makes the whole put run again with the bad records singled out; a lost
 * connection or a serialization failure rolls back and asks Connect to deliver the records again.
 */
final class StatementApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatementApplier.class);

  private final StatementSinkConfig config;
  private final StatementConnection connection;
  private final Map<Operation, Template> templates;
  private final OffsetLedger ledger;
  private final boolean tolerateAll;
  private final DeadLetters deadLetters;
  private final Map<String, Long> skipped = new TreeMap<>();

  StatementApplier(
      StatementSinkConfig config,
      ConnectionSettings settings,
      String connectorName,
      boolean tolerateAll,
      DeadLetters deadLetters) {
    this.config = config;
    this.connection = new StatementConnection(settings);
    this.templates = templates(config);
    this.ledger =
        config.exactlyOnce() ? new OffsetLedger(config.offsetsTable(), connectorName) : null;
    this.tolerateAll = tolerateAll;
    this.deadLetters = deadLetters;
  }

  /** The template of each operation that has one. */
  static Map<Operation, Template> templates(StatementSinkConfig config) {
    Map<Operation, Template> templates = new HashMap<>();
    config
        .templateTexts()
        .forEach((op, text) -> templates.put(op, Template.parse(config.settingOf(op), text)));
    return templates;
  }

  /** Runs the {@code sql.files} that are due, in a transaction of their own. */
  void runSqlFiles() {
    SqlFiles files = config.sqlFiles();
    if (files.paths().isEmpty()) {
      return;
    }
    try {
      files.run(connection.get(null));
    } catch (SQLException e) {
      connection.reset();
      throw failure("Running sql.files failed", e);
    } catch (IllegalArgumentException e) {
      throw new ConnectException(e.getMessage(), e);
    }
  }

  /**
   * Makes sure the ledger has a row for each partition and returns the offsets it holds (those of
   * partitions never applied are left out); empty without exactly.once.
   */
  Map<TopicPartition, Long> open(Collection<TopicPartition> partitions) {
    if (ledger == null || partitions.isEmpty()) {
      return Map.of();
    }
    try {
      Connection c = connection.get(ledger);
      Map<TopicPartition, Long> stored = ledger.open(c, partitions);
      stored.values().removeIf(offset -> offset < 0);
      return stored;
    } catch (SQLException e) {
      connection.reset();
      throw failure("Could not read the offsets ledger " + ledger, e);
    }
  }

  /** Applies the records; see the class comment. */
  void apply(List<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      if (!applyOnce(records, false)) {
        applyOnce(records, true);
      }
    } catch (SQLException e) {
      connection.reset();
      throw failure("Running the statements of " + records.size() + " records failed", e);
    } catch (RuntimeException e) {
      connection.reset(); // rolls back whatever the transaction holds
      throw e;
    } finally {
      logSkipped();
    }
  }

  /**
   * One try. Without {@code isolating}, false when a batch failed (rolled back, nothing sent to the
   * dead letter queue): the caller runs it again isolating the bad records.
   */
  private boolean applyOnce(List<SinkRecord> records, boolean isolating) throws SQLException {
    Connection c = connection.get(ledger);
    StatementRunner runner = connection.runner();
    Map<TopicPartition, Long> done =
        ledger == null ? Map.of() : ledger.lock(c, partitions(records));
    Map<TopicPartition, Long> last = new HashMap<>();
    List<Item> items = new ArrayList<>();
    List<Bad> bad = new ArrayList<>();
    for (SinkRecord r : records) {
      // The coordinates it was consumed at: a transform may have renamed the topic.
      TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
      Long stored = done.get(tp);
      if (stored != null && r.originalKafkaOffset() <= stored) {
        skip("records the offsets ledger says were applied");
        continue;
      }
      last.merge(tp, r.originalKafkaOffset(), Math::max);
      prepare(r, items, bad);
    }
    if (isolating) {
      for (Failure f : runner.runIsolating(items)) {
        bad.add(
            new Bad(f.item().record(), f.error().getSQLState(), f.item().template(), f.error()));
      }
    } else {
      try {
        runner.run(items);
      } catch (SQLException e) {
        if (PgErrors.isTransient(e)) {
          throw e;
        }
        c.rollback();
        return false;
      }
    }
    finish(c, bad, last);
    return true;
  }

  /** Sends the bad records to the dead letter queue (or fails), stores the offsets, commits. */
  private void finish(Connection c, List<Bad> bad, Map<TopicPartition, Long> last)
      throws SQLException {
    bad.sort(java.util.Comparator.comparingLong(b -> b.record().kafkaOffset()));
    if (!bad.isEmpty() && !tolerateAll) {
      c.rollback();
      throw new ConnectException(
          bad.get(0).describe()
              + "; set errors.tolerance=all (and"
              + " errors.deadletterqueue.topic.name) to send bad records to a dead letter queue and"
              + " go on",
          bad.get(0).error());
    }
    for (Bad b : bad) {
      deadLetters.report(
          b.record(),
          b.sqlState(),
          b.template() == null ? null : b.template().setting() + ": " + b.template().text(),
          new ConnectException(b.describe(), b.error()));
    }
    deadLetters.await();
    if (ledger != null && !last.isEmpty()) {
      ledger.store(c, last);
    }
    c.commit();
  }

  private void prepare(SinkRecord r, List<Item> items, List<Bad> bad) {
    Template template = null;
    try {
      RecordFields fields = RecordFields.of(r);
      template = templates.get(fields.operation());
      if (template == null) {
        skip(
            fields.operation().name().toLowerCase(java.util.Locale.ROOT)
                + " records (no template)");
        return;
      }
      items.add(Item.of(fields, template, config.missingField()));
    } catch (BadRecordException e) {
      bad.add(new Bad(r, null, template, e));
    }
  }

  private void skip(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  /** Skip counts by reason since the last call, for tests and the debug log. */
  Map<String, Long> drainSkipped() {
    Map<String, Long> copy = new TreeMap<>(skipped);
    skipped.clear();
    return copy;
  }

  private void logSkipped() {
    if (LOG.isDebugEnabled() && !skipped.isEmpty()) {
      LOG.debug("Skipped: {}", drainSkipped());
    }
  }

  private static Set<TopicPartition> partitions(List<SinkRecord> records) {
    Set<TopicPartition> set = new LinkedHashSet<>();
    for (SinkRecord r : records) {
      set.add(new TopicPartition(r.originalTopic(), r.originalKafkaPartition()));
    }
    return set;
  }

  private static ConnectException failure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
    if (PgErrors.isTransient(e)) {
      return new RetriableException(what + state + ": " + e.getMessage() + "; retrying", e);
    }
    return new ConnectException(what + state + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    Closeables.closeQuietly(connection);
  }

  /** A record that could not run: bad input ({@code sqlState} null) or a failed statement. */
  private record Bad(SinkRecord record, String sqlState, Template template, Exception error) {
    String describe() {
      return "The record at topic "
          + record.topic()
          + ", partition "
          + record.kafkaPartition()
          + ", offset "
          + record.kafkaOffset()
          + " failed"
          + (template == null ? "" : " in " + template.setting())
          + (sqlState == null ? "" : " with SQLSTATE " + sqlState)
          + ": "
          + error.getMessage();
    }
  }
}
