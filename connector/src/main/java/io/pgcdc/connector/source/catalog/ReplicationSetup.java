package io.pgcdc.connector.source.catalog;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the publication and the slot. Neither is ever dropped here. */
public final class ReplicationSetup {
  private static final Logger log = LoggerFactory.getLogger(ReplicationSetup.class);

  /**
   * A slot just created with an exported snapshot. The replication connection that created it stays
   * open until the snapshot transaction has imported the snapshot: closing it ends the snapshot.
   */
  public record ExportedSlot(Connection replication, String snapshotName, long consistentPoint)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        replication.close();
      } catch (SQLException e) {
        // The snapshot has been imported or is of no use: nothing to do about a failed close.
      }
    }
  }

  private ReplicationSetup() {}

  /** Creates the publication for exactly these tables, or makes an existing one list them. */
  public static void ensurePublication(
      Connection c, String publication, List<TableId> tables, int serverVersion)
      throws SQLException {
    String list = tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    Boolean allTables = publicationAllTables(c, publication);
    try (Statement s = c.createStatement()) {
      if (allTables == null) {
        String sql =
            "CREATE PUBLICATION "
                + Identifiers.quote(publication)
                + (tables.isEmpty() ? "" : " FOR TABLE " + list)
                + (serverVersion >= 130000 ? " WITH (publish_via_partition_root = true)" : "");
        s.execute(sql);
        log.info("Created publication {} for {}", publication, tables);
      } else if (!allTables) {
        Set<String> published = publishedTables(c, publication);
        if (!published.equals(names(tables))) {
          // SET TABLE needs at least one table; an empty list drops the published ones.
          s.execute(
              "ALTER PUBLICATION "
                  + Identifiers.quote(publication)
                  + (tables.isEmpty()
                      ? " DROP TABLE " + String.join(", ", published)
                      : " SET TABLE " + list));
          log.info("Publication {} now publishes {}", publication, tables);
        }
      }
    }
  }

  private static Boolean publicationAllTables(Connection c, String publication)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }

  public static Set<String> publishedTables(Connection c, String publication) throws SQLException {
    Set<String> names = new TreeSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, c.relname FROM pg_publication p JOIN pg_publication_rel r ON"
                + " r.prpubid = p.oid JOIN pg_class c ON c.oid = r.prrelid JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE p.pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(new TableId(rs.getString(1), rs.getString(2)).quoted());
        }
      }
    }
    return names;
  }

  private static Set<String> names(List<TableId> tables) {
    return tables.stream().map(TableId::quoted).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Creates a logical slot on a new replication connection and exports its snapshot: the state of
   * the database exactly at the slot's consistent point. The legacy syntax is accepted by every
   * server version we support.
   */
  public static ExportedSlot createSlotExportingSnapshot(ConnectionSettings settings, String slot)
      throws SQLException {
    Connection replication = settings.openReplication();
    try (Statement s = replication.createStatement();
        ResultSet rs =
            s.executeQuery(
                "CREATE_REPLICATION_SLOT "
                    + Identifiers.quote(slot)
                    + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
      rs.next();
      long consistentPoint = Lsn.parse(rs.getString("consistent_point")).value();
      String snapshot = rs.getString("snapshot_name");
      log.info(
          "Created slot {} at {}, snapshot {}", slot, rs.getString("consistent_point"), snapshot);
      return new ExportedSlot(replication, snapshot, consistentPoint);
    } catch (SQLException | RuntimeException e) {
      replication.close();
      throw e;
    }
  }

  /** Creates a logical slot without a snapshot; returns its consistent point. */
  public static long createSlot(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        log.info("Created slot {} at {}", slot, rs.getString(1));
        return Lsn.parse(rs.getString(1)).value();
      }
    }
  }
}
