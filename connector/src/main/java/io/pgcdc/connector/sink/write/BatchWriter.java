package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.OffsetLedger;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes row changes to PostgreSQL on one connection. {@link #prepare} makes the target tables fit
 * ({@link TargetTables}) and encodes each row once as a COPY text line ({@link RowEncoder}); {@link
 * #write} reduces the changes by key per table ({@link TableBatch}), plans each table's statements
 * ({@link WritePlan}) and runs them ({@link TableWrite}) in one transaction.
 */
public final class BatchWriter implements ChangeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final ConnectionSettings settings;
  private final InsertMode insertMode;
  private final StagingTables staging = new StagingTables();
  private final TargetTables tables;
  private final RowEncoder encoder = new RowEncoder();
  private final OffsetLedger ledger;
  private Map<TopicPartition, Long> holdBelow = Map.of();
  private Connection connection;

  /**
   * @param ledger the offsets ledger each transaction locks, honours and updates; null without
   *     exactly.once
   */
  public BatchWriter(PostgresSinkConfig config, ConnectionSettings settings, OffsetLedger ledger) {
    this.settings = settings;
    this.insertMode = config.insertMode();
    this.tables = new TargetTables(config.autoCreate(), config.autoEvolve(), staging);
    this.ledger = ledger;
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      staging.forgetAll();
      connection = settings.open();
      connection.setAutoCommit(false);
    }
    return connection;
  }

  @Override
  public void reset() {
    close();
    staging.forgetAll();
    tables.forgetAll();
  }

  @Override
  public void close() {
    Closeables.closeQuietly(connection); // broken or done: nothing left to do with it
    connection = null;
  }

  @Override
  public List<RowChange> prepare(
      List<RowChange> changes, BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException {
    Connection c = connection();
    Map<TableId, List<RowChange>> byTable = new LinkedHashMap<>();
    for (RowChange change : changes) {
      byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
    }
    List<RowChange> ready = new ArrayList<>(changes.size());
    for (Map.Entry<TableId, List<RowChange>> entry : byTable.entrySet()) {
      Table table = tables.fit(c, entry.getKey(), entry.getValue(), rejected);
      if (table != null) {
        encoder.encode(table, entry.getValue(), ready, rejected);
      }
    }
    return ready;
  }

  @Override
  public void holdLedgerBelow(Map<TopicPartition, Long> offsets) {
    holdBelow = offsets;
  }

  @Override
  public void ledgerAt(Map<TopicPartition, Long> offsets) {
    if (ledger == null || offsets.isEmpty()) {
      return;
    }
    try {
      Connection c = connection();
      ledger.lock(c, offsets.keySet());
      ledger.store(c, offsets);
      c.commit();
    } catch (SQLException e) {
      LOG.warn(
          "Could not move the offsets ledger {} to {} ({}): records after its offsets are written"
              + " again after a restart",
          ledger,
          offsets,
          e.toString());
      reset();
    }
  }

  /**
   * Writes the changes in one transaction. With the ledger, the transaction first locks the ledger
   * rows of its partitions (a second task writing them waits), leaves out the records the ledger
   * says were written, and stores the last offset it wrote of each partition before it commits.
   */
  @Override
  public void write(List<RowChange> prepared) throws SQLException {
    Connection c = connection();
    try {
      List<RowChange> todo = prepared;
      Map<TopicPartition, Long> last = Map.of();
      int skipped = 0;
      if (ledger != null) {
        todo = new ArrayList<>(prepared.size());
        last = new HashMap<>();
        Map<TopicPartition, Long> done = ledger.lock(c, partitions(prepared));
        TopicPartition tp = null;
        for (RowChange change : prepared) {
          SinkRecord r = change.record();
          tp = OffsetLedger.partitionOf(r, tp);
          long offset = r.originalKafkaOffset();
          Long written = done.get(tp);
          if (written != null && offset <= written) {
            skipped++;
            continue;
          }
          todo.add(change);
          Long hold = holdBelow.get(tp);
          if (hold == null || offset < hold) {
            last.merge(tp, offset, Math::max);
          }
        }
      }
      Set<String> usedStaging = new HashSet<>();
      for (TableBatch batch : TableBatch.reduce(todo)) {
        Table table = tables.get(c, batch.table());
        if (table == null) {
          continue; // only deletes or truncates for a table that does not exist
        }
        WritePlan plan = WritePlan.of(table, batch, insertMode);
        new TableWrite(c, table, insertMode, staging, usedStaging).write(plan);
      }
      if (!last.isEmpty()) {
        ledger.store(c, last);
      }
      c.commit();
      if (skipped > 0) {
        LOG.info(
            "Left out {} records that the offsets ledger {} says were written (before a restart,"
                + " or by the task that had their partitions before)",
            skipped,
            ledger);
      }
    } catch (SQLException | RuntimeException e) {
      SchemaChanges.rollbackQuietly(c, e);
      // The rollback undid staging tables created in this transaction.
      staging.forgetAll();
      throw e;
    }
  }

  private static Set<TopicPartition> partitions(List<RowChange> changes) {
    Set<TopicPartition> set = new LinkedHashSet<>();
    TopicPartition previous = null;
    for (RowChange change : changes) {
      TopicPartition tp = OffsetLedger.partitionOf(change.record(), previous);
      if (tp != previous) {
        set.add(tp);
        previous = tp;
      }
    }
    return set;
  }
}
