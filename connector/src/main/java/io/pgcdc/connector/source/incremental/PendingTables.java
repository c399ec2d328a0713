package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.ReplicationSetup;
import io.pgcdc.connector.source.offset.SourceOffset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tables still need their copy, kept in the publication's comment. A table listed in {@code
 * table.include.list} but not yet in the publication is new to a connector that streams: it is
 * written into the comment before the task adds it to the publication, and leaves the comment only
 * once the records of its copy are committed. A task that restarts at any point in between (crash,
 * reconfiguration) finds it there and copies it again from its first row: rows repeated, never
 * lost.
 */
public final class PendingTables {
  private static final Logger log = LoggerFactory.getLogger(PendingTables.class);

  /** The comment's first line; one quoted table name per line follows. */
  static final String HEADER =
      "pgcdc: tables added to the connector whose copy is not complete (kept by the connector;"
          + " do not edit)";

  private PendingTables() {}

  /**
   * The tables to copy while streaming, in order, and those of them new to the publication now
   * (copied from their first row; the others may go on where the stored offset says).
   */
  public record Plan(List<TableId> tables, Set<TableId> added) {
    public static final Plan NONE = new Plan(List.of(), Set.of());
  }

  /**
   * Before the task makes the publication list {@code tables}: the tables to copy while streaming,
   * in {@code tables}' order, recorded in the publication's comment. None for a connector that has
   * not streamed yet (its initial snapshot copies every table) or that takes no snapshots.
   */
  public static Plan plan(
      Connection c,
      PostgresSourceConfig config,
      List<TableId> tables,
      SourceOffset stored,
      int serverVersion)
      throws SQLException {
    if (stored == null
        || stored.phase() == SourceOffset.Phase.SNAPSHOT
        || config.snapshotMode() != PostgresSourceConfig.SnapshotMode.INITIAL) {
      return Plan.NONE;
    }
    String publication = config.publicationName();
    Boolean allTables = allTables(c, publication);
    if (allTables == null || allTables) {
      return Plan.NONE;
    }
    Set<String> published = ReplicationSetup.publishedTables(c, publication);
    Set<String> recorded = read(c, publication);
    List<TableId> pending = new ArrayList<>();
    Set<TableId> added = new HashSet<>();
    for (TableId t : tables) {
      if (!published.contains(t.quoted())) {
        added.add(t);
        pending.add(t);
      } else if (recorded.contains(t.quoted())) {
        pending.add(t);
      }
    }
    if (!pending.isEmpty() && serverVersion < 140000) {
      throw new ConnectException(
          "Tables "
              + pending
              + " were added to "
              + PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG
              + " of a connector that streams already: copying them while streaming needs"
              + " PostgreSQL 14 or later (logical decoding messages in pgoutput). Remove them from"
              + " the list, or give them a connector of their own");
    }
    if (!recorded.equals(names(pending))) {
      write(c, publication, pending);
    }
    return new Plan(pending, added);
  }

  /** Records {@code pending} in the comment of {@code publication}; none removes the comment. */
  static void write(Connection c, String publication, Collection<TableId> pending)
      throws SQLException {
    StringBuilder text = new StringBuilder(HEADER);
    for (TableId t : pending) {
      text.append('\n').append(t.quoted());
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "COMMENT ON PUBLICATION "
              + Identifiers.quote(publication)
              + " IS "
              + (pending.isEmpty() ? "NULL" : Identifiers.literal(text.toString())));
    }
    log.info("Publication {}: tables to copy while streaming now {}", publication, pending);
  }

  /** The quoted names the comment lists; none when it is not ours. */
  static Set<String> read(Connection c, String publication) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT obj_description(oid, 'pg_publication') FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? parse(rs.getString(1)) : Set.of();
      }
    }
  }

  static Set<String> parse(String comment) {
    if (comment == null || !comment.startsWith(HEADER + "\n")) {
      return Set.of();
    }
    List<String> lines = Arrays.asList(comment.split("\n"));
    return new HashSet<>(lines.subList(1, lines.size()));
  }

  private static Set<String> names(List<TableId> tables) {
    Set<String> names = new HashSet<>();
    for (TableId t : tables) {
      names.add(t.quoted());
    }
    return names;
  }

  private static Boolean allTables(Connection c, String publication) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }
}
