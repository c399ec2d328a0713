package io.pgcdc.connector.cleanup;

import io.pgcdc.connector.common.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a source connector's slot and publication. The slot may still be read by the connector's
 * task, which Connect stops after the connector is deleted: it waits for the WAL sender to let go
 * for a grace period, then terminates it.
 */
final class ReplicationCleaner {
  private static final Logger log = LoggerFactory.getLogger(ReplicationCleaner.class);
  private static final String OBJECT_IN_USE = "55006";
  private static final String UNDEFINED_OBJECT = "42704";
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Duration grace;
  private final Duration timeout;

  /**
   * @param grace how long a task may keep reading the slot before its WAL sender is terminated
   * @param timeout how long, in all, to try to drop the slot
   */
  ReplicationCleaner(Duration grace, Duration timeout) {
    this.grace = grace;
    this.timeout = timeout;
  }

  /**
   * Drops what {@code target} names, except what another connector still reads; never throws. What
   * cannot be dropped is logged as a warning with the SQL to run by hand.
   *
   * @return false if a warning was logged
   */
  boolean clean(
      CleanupRequest request, CleanupTarget target, boolean keepSlot, boolean keepPublication) {
    String why = "connector " + target.connector() + " was " + request.kind().done();
    if (target.connection() == null) {
      log.warn(
          "{}, but its settings cannot be read ({}): its slot {} and publication {} were not"
              + " dropped. Run on its database: {}",
          why,
          target.connectionProblem(),
          target.slot(),
          target.publication(),
          target.manualSql());
      return false;
    }
    try (Connection c = target.connection().open()) {
      c.setAutoCommit(true);
      boolean slotDone = keepSlot || dropSlot(c, target, why);
      boolean publicationDone = keepPublication || dropPublication(c, target, why);
      if (!keepSlot && slotDone) {
        dropSignalFunction(c, target, why); // named after the slot: kept while the slot is
      }
      return slotDone && publicationDone;
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "{}, but its slot {} and publication {} on {} could not be dropped. Run on that"
              + " database: {} (cause: {})",
          why,
          target.slot(),
          target.publication(),
          target.where(),
          target.manualSql(),
          e.getMessage());
      return false;
    }
  }

  /** Drops the slot; false if it was left alone with a warning. */
  private boolean dropSlot(Connection c, CleanupTarget target, String why) throws SQLException {
    long start = System.nanoTime();
    String database = c.getCatalog();
    int terminated = 0;
    while (true) {
      long elapsed = System.nanoTime() - start;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT database, plugin, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, target.slot());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            log.info("{}; slot {} does not exist on {}", why, target.slot(), target.where());
            return true;
          }
          if (!database.equals(rs.getString(1)) || !"pgoutput".equals(rs.getString(2))) {
            log.warn(
                "{}; slot {} on {} was not dropped: it belongs to database {} (plugin {}), not to"
                    + " this connector",
                why,
                target.slot(),
                target.where(),
                rs.getString(1),
                rs.getString(2));
            return false;
          }
          int pid = rs.getInt(3);
          if (rs.wasNull()) {
            if (drop(c, target.slot())) {
              log.info("{}: dropped slot {} on {}", why, target.slot(), target.where());
              return true;
            }
          } else if (elapsed >= grace.toNanos() && pid != terminated) {
            terminate(c, pid, target);
            terminated = pid;
          }
        }
      }
      if (elapsed >= timeout.toNanos()) {
        throw new SQLException(
            "slot " + target.slot() + " is still active after " + timeout, OBJECT_IN_USE);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Drops an inactive slot; false if a reader took it in the meantime. */
  private static boolean drop(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      ps.setString(1, slot);
      ps.execute();
      return true;
    } catch (SQLException e) {
      if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
        return true; // dropped by someone else meanwhile
      }
      if (OBJECT_IN_USE.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private void terminate(Connection c, int pid, CleanupTarget target) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        log.info(
            "Slot {} on {} was still read by backend {} after {}: {}",
            target.slot(),
            target.where(),
            pid,
            grace,
            rs.getBoolean(1) ? "terminated it" : "it had already ended");
      }
    }
  }

  /**
   * Drops the publication; false, with a warning, if that fails: e.g. when another role created it
   * for the connector and owns it.
   */
  private static boolean dropPublication(Connection c, CleanupTarget target, String why) {
    String sql = "DROP PUBLICATION IF EXISTS " + Identifiers.quote(target.publication());
    try {
      boolean exists;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
        ps.setString(1, target.publication());
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        log.info(
            "{}; publication {} does not exist on {}", why, target.publication(), target.where());
        return true;
      }
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
      log.info("{}: dropped publication {} on {}", why, target.publication(), target.where());
      return true;
    } catch (SQLException e) {
      log.warn(
          "{}, but its publication {} on {} could not be dropped. Run on that database, as its"
              + " owner: {} (cause: {})",
          why,
          target.publication(),
          target.where(),
          sql,
          e.getMessage());
      return false;
    }
  }

  /** Drops the signal function and its key table, if any; a failure is logged, not fatal. */
  private static void dropSignalFunction(Connection c, CleanupTarget target, String why) {
    for (String sql : target.signalDrops()) {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        log.warn(
            "{}, but its signal function could not be dropped on {}. Run on that database, as its"
                + " owner: {} (cause: {})",
            why,
            target.where(),
            String.join("; ", target.signalDrops()),
            e.getMessage());
        return;
      }
    }
  }
}
