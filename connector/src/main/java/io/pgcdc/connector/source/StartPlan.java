package io.pgcdc.connector.source;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.catalog.ReplicationSetup;
import io.pgcdc.connector.source.catalog.TableSelector;
import io.pgcdc.connector.source.incremental.PendingTables;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.SchemaCache;
import io.pgcdc.connector.source.snapshot.SnapshotReader;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from the stored offset and the slot, what the task does: a snapshot (from which table,
 * with the slot's exported snapshot or a new one), then streaming from which position.
 *
 * <ul>
 *   <li>No offset, no slot: create the slot exporting its snapshot, copy every table with it,
 *       stream from the slot's consistent point: nothing lost, nothing doubled.
 *   <li>No offset, slot exists (the task stopped before its first record was stored), or an offset
 *       in the middle of the snapshot: copy the remaining tables with a new snapshot and stream
 *       from the slot's position, which has not moved since the snapshot began. Changes made in
 *       between arrive both ways: repeated, never lost.
 *   <li>Offset after the snapshot: stream from it; the slot must exist.
 * </ul>
 */
final class StartPlan {
  private static final Logger log = LoggerFactory.getLogger(StartPlan.class);

  private final PostgresSourceConfig config;
  private final int serverVersion;
  private final List<TableId> tables;
  private final long slotConfirmed;
  private boolean snapshotPending;
  private int firstTable;
  private SourceOffset snapshotProgress;
  private boolean createSlotWithSnapshot;
  private final boolean streams;
  private SourceOffset resume;

  /** Tables added to the list of a streaming connector: copied while streaming. */
  private PendingTables.Plan toCopy = PendingTables.Plan.NONE;

  private StartPlan(
      PostgresSourceConfig config,
      int serverVersion,
      List<TableId> tables,
      long slotConfirmed,
      boolean streams) {
    this.config = config;
    this.serverVersion = serverVersion;
    this.tables = tables;
    this.slotConfirmed = slotConfirmed;
    this.streams = streams;
  }

  static StartPlan make(PostgresSourceConfig config, Connection c, SourceOffset stored)
      throws SQLException {
    int serverVersion = Catalog.serverVersion(c);
    List<TableId> tables = Catalog.resolveTables(c, config.tableSelectors(), serverVersion);
    if (serverVersion < 130000) {
      checkNoPartitionedTables(c, config);
    }
    checkListedTablesExist(config, tables);
    for (TableSelector sel : TableSelector.unmatchedPatterns(config.tableSelectors(), tables)) {
      // Validated when the connector was created; the tables may have gone since.
      log.warn("{}; nothing is captured for it", sel.matchesNothing());
    }
    if (config.snapshotMode() == PostgresSourceConfig.SnapshotMode.INITIAL_ONLY) {
      StartPlan plan = new StartPlan(config, serverVersion, tables, 0, false);
      if (stored == null || stored.phase() == SourceOffset.Phase.SNAPSHOT) {
        plan.snapshotFrom(stored, tables, currentWalLsn(c));
      }
      return plan;
    }
    // Before the publication lists them: the tables it lacks are new to a streaming connector.
    PendingTables.Plan toCopy = PendingTables.plan(c, config, tables, stored, serverVersion);
    ReplicationSetup.ensurePublication(c, config.publicationName(), tables, serverVersion);
    Map<String, String> slot = Catalog.slot(c, config.slotName());
    checkSlot(config, slot, c.getCatalog());
    long confirmed = slot == null ? 0 : confirmedFlush(slot);
    StartPlan plan = new StartPlan(config, serverVersion, tables, confirmed, true);
    plan.toCopy = toCopy;
    boolean initial = config.snapshotMode() == PostgresSourceConfig.SnapshotMode.INITIAL;
    if (stored == null || stored.phase() == SourceOffset.Phase.SNAPSHOT) {
      if (slot == null && initial) {
        if (stored != null) {
          log.warn("Slot {} is gone while the snapshot ran: snapshot again", config.slotName());
        }
        plan.snapshotPending = true;
        plan.createSlotWithSnapshot = true;
      } else if (slot == null) {
        plan.resume = SourceOffset.snapshotDone(ReplicationSetup.createSlot(c, config.slotName()));
      } else if (initial || stored != null) {
        plan.snapshotFrom(stored, tables, confirmed);
      } else {
        plan.resume = SourceOffset.snapshotDone(confirmed);
      }
    } else if (slot == null) {
      throw new ConnectException(
          "Replication slot "
              + config.slotName()
              + " does not exist, but the stored offset says streaming reached "
              + new Lsn(stored.lsn())
              + ": the changes since are lost to this connector. To start over with a new"
              + " snapshot, stop the connector and reset its offsets (DELETE"
              + " /connectors/<name>/offsets), then resume it.");
    } else {
      plan.resume = stored;
    }
    return plan;
  }

  private void snapshotFrom(SourceOffset stored, List<TableId> tables, long position) {
    snapshotPending = true;
    resumeSnapshotAt(stored);
    resume = SourceOffset.snapshotDone(position);
  }

  /**
   * Copies from the table of {@code progress} on, skipping its complete ranges; from the first
   * table when it is null or not a snapshot offset.
   */
  private void resumeSnapshotAt(SourceOffset progress) {
    firstTable = 0;
    snapshotProgress = null;
    if (progress != null && progress.phase() == SourceOffset.Phase.SNAPSHOT) {
      for (int i = 0; i < tables.size(); i++) {
        if (tables.get(i).toString().equals(progress.table())) {
          firstTable = i;
          snapshotProgress = progress;
        }
      }
    }
  }

  private static void checkListedTablesExist(PostgresSourceConfig config, List<TableId> found) {
    for (TableSelector sel : config.tableSelectors()) {
      if (sel.table() != null && found.stream().noneMatch(sel::matches)) {
        throw new ConnectException(
            "Table "
                + sel.schema()
                + "."
                + sel.table()
                + " listed in "
                + PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG
                + " does not exist (or is a partition: list its partitioned root table)");
      }
    }
  }

  /** PostgreSQL 12 cannot publish a partitioned table (publish_via_partition_root is 13+). */
  private static void checkNoPartitionedTables(Connection c, PostgresSourceConfig config)
      throws SQLException {
    for (TableSelector sel : config.tableSelectors()) {
      if (sel.table() == null) {
        continue;
      }
      TableId t = new TableId(sel.schema(), sel.table());
      if (Catalog.isPartitioned(c, t)) {
        throw new ConnectException(
            "Table "
                + t
                + " is partitioned, and PostgreSQL 12 cannot publish a partitioned table: upgrade"
                + " to PostgreSQL 13 or later, or list its partitions in "
                + PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG
                + " instead");
      }
    }
  }

  private static void checkSlot(PostgresSourceConfig config, Map<String, String> slot, String db) {
    if (slot != null && !"pgoutput".equals(slot.get("plugin"))) {
      throw new ConnectException(
          "Replication slot "
              + config.slotName()
              + " uses plugin "
              + slot.get("plugin")
              + ", not pgoutput: choose another "
              + PostgresSourceConfig.SLOT_NAME_CONFIG);
    }
    if (slot != null && !db.equals(slot.get("database"))) {
      throw new ConnectException(
          "Replication slot "
              + config.slotName()
              + " belongs to database "
              + slot.get("database")
              + ": choose another "
              + PostgresSourceConfig.SLOT_NAME_CONFIG);
    }
  }

  private static long confirmedFlush(Map<String, String> slot) {
    String text = slot.get("confirmed_flush_lsn");
    return text == null || text.equals("null") ? 0 : Lsn.parse(text).value();
  }

  private static long currentWalLsn(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1)).value();
    }
  }

  /** Opens the snapshot: creates the slot with its exported snapshot first when planned. */
  SnapshotReader openSnapshot(
      ConnectionSettings settings, SchemaCache schemas, RecordBuilder records) throws SQLException {
    ReplicationSetup.ExportedSlot exported = null;
    if (createSlotWithSnapshot) {
      exported = ReplicationSetup.createSlotExportingSnapshot(settings, config.slotName());
      resume = SourceOffset.snapshotDone(exported.consistentPoint());
      createSlotWithSnapshot = false;
    }
    SnapshotReader reader =
        new SnapshotReader(
            tables,
            firstTable,
            snapshotProgress,
            schemas,
            records,
            resume.lsn(),
            serverVersion,
            config.snapshotMaxThreads());
    try {
      reader.open(settings, exported);
    } catch (SQLException | RuntimeException e) {
      reader.close();
      throw e;
    } finally {
      if (exported != null) {
        exported.close();
      }
    }
    return reader;
  }

  void snapshotDone() {
    snapshotPending = false;
  }

  /**
   * The snapshot broke off after the record with offset {@code progress} (null: before its first
   * record): copy what was not complete then, with a new snapshot.
   */
  void snapshotInterrupted(SourceOffset progress) {
    if (progress != null) {
      resumeSnapshotAt(progress);
    }
  }

  void streamInterrupted(SourceOffset position) {
    resume = position;
  }

  boolean snapshotPending() {
    return snapshotPending;
  }

  boolean streams() {
    return streams;
  }

  SourceOffset resume() {
    return resume;
  }

  PendingTables.Plan toCopy() {
    return toCopy;
  }

  List<TableId> tables() {
    return tables;
  }

  int serverVersion() {
    return serverVersion;
  }

  long slotConfirmed() {
    return slotConfirmed;
  }

  String describe() {
    String snapshot =
        snapshotPending
            ? (createSlotWithSnapshot ? "create slot " + config.slotName() + ", " : "")
                + "snapshot from table "
                + (firstTable + 1)
                + " of "
                + tables.size()
                + (snapshotProgress != null && snapshotProgress.ranges() != null
                    ? " (its ranges "
                        + snapshotProgress.ranges().doneText()
                        + " of "
                        + snapshotProgress.ranges().count()
                        + " complete)"
                    : "")
                + " with "
                + config.snapshotMaxThreads()
                + " threads, then "
            : "";
    return snapshot
        + (streams
            ? "stream slot "
                + config.slotName()
                + " after "
                + (resume == null ? "its position" : resume)
            : "no streaming (" + PostgresSourceConfig.SNAPSHOT_MODE_CONFIG + " = initial_only)")
        + (toCopy.tables().isEmpty() ? "" : "; copy " + toCopy.tables() + " while streaming");
  }
}
