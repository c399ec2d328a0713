package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes row changes to PostgreSQL on one connection. {@link #prepare} makes the target tables fit
 * ({@link TargetTables}) and encodes each row once as a COPY text line ({@link RowEncoder}); {@link
 * #write} reduces the changes by key per table ({@link TableBatch}), plans each table's statements
 * ({@link WritePlan}) and runs them ({@link TableWrite}) in one transaction.
 */
public final class BatchWriter implements ChangeWriter {
  private final ConnectionSettings settings;
  private final InsertMode insertMode;
  private final StagingTables staging = new StagingTables();
  private final TargetTables tables;
  private final RowEncoder encoder = new RowEncoder();
  private Connection connection;

  public BatchWriter(PostgresSinkConfig config, ConnectionSettings settings) {
    this.settings = settings;
    this.insertMode = config.insertMode();
    this.tables = new TargetTables(config.autoCreate(), config.autoEvolve(), staging);
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
  public void write(List<RowChange> prepared) throws SQLException {
    Connection c = connection();
    try {
      Set<String> usedStaging = new HashSet<>();
      for (TableBatch batch : TableBatch.reduce(prepared)) {
        Table table = tables.get(c, batch.table());
        if (table == null) {
          continue; // only deletes or truncates for a table that does not exist
        }
        WritePlan plan = WritePlan.of(table, batch, insertMode);
        new TableWrite(c, table, insertMode, staging, usedStaging).write(plan);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      SchemaChanges.rollbackQuietly(c, e);
      // The rollback undid staging tables created in this transaction.
      staging.forgetAll();
      throw e;
    }
  }
}
