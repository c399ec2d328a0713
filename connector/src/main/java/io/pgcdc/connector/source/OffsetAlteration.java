package io.pgcdc.connector.source;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Checks offsets given through Connect's offsets API (KIP-875, {@code PATCH
 * /connectors/<name>/offsets}) before Connect stores them. The one partition is {@code {"slot":
 * <slot.name>}}; a new position is a streaming position {@code {"lsn": <number>, "pos": <number>}}
 * that the slot can still serve: at or after its {@code confirmed_flush_lsn} (the slot no longer
 * holds what is before it) and not after the server's current WAL position. A null offset (a reset)
 * is always accepted: the task then starts as a new connector on the existing slot
 * (docs/operations.md).
 */
final class OffsetAlteration {
  private static final Set<String> KEYS = Set.of(SourceOffset.LSN_KEY, "pos");

  private OffsetAlteration() {}

  /**
   * Checks the form of every entry, without the database; gives the new streaming positions (the
   * last one: there is one partition), or null when every entry is a reset.
   */
  static SourceOffset checkForm(String slot, Map<Map<String, ?>, Map<String, ?>> offsets) {
    SourceOffset position = null;
    for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
      Map<String, ?> partition = e.getKey();
      if (partition == null
          || partition.size() != 1
          || !slot.equals(String.valueOf(partition.get("slot")))) {
        throw new ConnectException(
            "Source partition "
                + partition
                + " is not this connector's: its only partition is {\"slot\": \""
                + slot
                + "\"} (the slot named by "
                + PostgresSourceConfig.SLOT_NAME_CONFIG
                + ")");
      }
      Map<String, ?> offset = e.getValue();
      if (offset == null) {
        continue;
      }
      for (String key : offset.keySet()) {
        if (!KEYS.contains(key)) {
          throw new ConnectException(
              "Source offset key '"
                  + key
                  + "' cannot be set: give a streaming position, {\"lsn\": <number>, \"pos\":"
                  + " <number>} (a snapshot's progress is the task's own), or null to reset");
        }
      }
      if (!(offset.get(SourceOffset.LSN_KEY) instanceof Number)) {
        throw new ConnectException(
            "Source offset key 'lsn': expected the LSN as a number (the 64 bits of X/Y, X * 2^32 +"
                + " Y: 0/16B3748 is 23803720), got "
                + describe(offset.get(SourceOffset.LSN_KEY)));
      }
      if (!(offset.get("pos") instanceof Number p) || p.longValue() < 0) {
        throw new ConnectException(
            "Source offset key 'pos': expected a number >= 0 (the records of the transaction at"
                + " 'lsn' up to and including this position are skipped; 0 skips none of them),"
                + " got "
                + describe(offset.get("pos")));
      }
      position = SourceOffset.fromMap(offset);
    }
    return position;
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }

  /** Checks {@code position} against the slot and the server's WAL. */
  static void checkServable(PostgresSourceConfig config, SourceOffset position) {
    ConnectionSettings settings = config.connection("pgcdc-offsets-" + config.connectorName());
    String slot = config.slotName();
    Lsn lsn = new Lsn(position.lsn());
    try (Connection c = settings.open()) {
      Map<String, String> state = Catalog.slot(c, slot);
      if (state == null) {
        throw new ConnectException(
            "Replication slot "
                + slot
                + " does not exist on "
                + settings.describe()
                + ", so no position can be streamed from: reset the offsets instead (DELETE"
                + " /connectors/<name>/offsets) to start over with a new slot and snapshot");
      }
      String confirmedText = state.get("confirmed_flush_lsn");
      if (confirmedText != null && !confirmedText.equals("null")) {
        Lsn confirmed = Lsn.parse(confirmedText);
        if (Long.compareUnsigned(position.lsn(), confirmed.value()) < 0) {
          throw new ConnectException(
              "LSN "
                  + lsn
                  + " ("
                  + position.lsn()
                  + ") is before the confirmed_flush_lsn "
                  + confirmed
                  + " ("
                  + confirmed.value()
                  + ") of replication slot "
                  + slot
                  + ": the slot no longer holds the changes before it. Give an LSN at or after "
                  + confirmed.value()
                  + ", or reset the offsets to take a new snapshot");
        }
      }
      Lsn current = currentWal(c);
      if (Long.compareUnsigned(position.lsn(), current.value()) > 0) {
        throw new ConnectException(
            "LSN "
                + lsn
                + " ("
                + position.lsn()
                + ") is after the server's current WAL position "
                + current
                + " ("
                + current.value()
                + "): give an LSN the server has written");
      }
    } catch (SQLException e) {
      throw new ConnectException(
          "Could not check the new offset against replication slot "
              + slot
              + " on "
              + settings.describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Lsn currentWal(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }
}
