package io.pgcdc.connector.source.validate;

import io.pgcdc.connector.common.ConnectionConfig;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.source.catalog.ReplicationSetup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;

/**
 * What streaming needs of the server and of the connector's user, checked before a task finds out:
 * the REPLICATION attribute, a free slot (or the named one, idle), a publication the user may
 * create or change, or one that already publishes the tables.
 */
final class SourceReplicationChecks {
  private SourceReplicationChecks() {}

  static void check(Config result, PostgresSourceConfig config, Connection c, List<TableId> tables)
      throws SQLException {
    User user = user(c);
    if (!user.replication()) {
      SourceValidation.error(
          result,
          ConnectionConfig.USER_CONFIG,
          "User "
              + user.quoted()
              + " lacks the REPLICATION attribute that creating and reading a replication slot"
              + " need: run ALTER ROLE "
              + user.quoted()
              + " REPLICATION (as a superuser), or connect as a role that has it");
    }
    checkSlot(result, config, c);
    checkPublication(result, config, c, user, tables);
  }

  private record User(String name, boolean superuser, boolean replication) {
    String quoted() {
      return Identifiers.quote(name);
    }
  }

  /** Amazon RDS grants replication through membership in its role rds_replication instead. */
  private static User user(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT rolname, rolsuper, rolreplication OR rolsuper OR EXISTS (SELECT 1 FROM"
                    + " pg_roles r WHERE r.rolname = 'rds_replication'"
                    + " AND pg_has_role(current_user, r.oid, 'MEMBER'))"
                    + " FROM pg_roles WHERE rolname = current_user");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new User(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3));
    }
  }

  /**
   * The named slot must be a pgoutput slot of this database that no one else reads; a slot still to
   * be created needs a free one under max_replication_slots. This connector's own task, which reads
   * the slot while the connector's config is updated, is recognised by its application name.
   */
  private static void checkSlot(Config result, PostgresSourceConfig config, Connection c)
      throws SQLException {
    if (!checkExistingSlot(result, config, c)) {
      checkFreeSlot(result, config.slotName(), c);
    }
  }

  /**
   * Checks the slot when it exists: logical, pgoutput, this database, not read by another client.
   *
   * @return whether the slot exists
   */
  private static boolean checkExistingSlot(Config result, PostgresSourceConfig config, Connection c)
      throws SQLException {
    String slot = config.slotName();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.slot_type, s.plugin, s.database, s.active, s.active_pid,"
                + " a.application_name, a.client_addr::text, current_database()"
                + " FROM pg_replication_slots s LEFT JOIN pg_stat_activity a"
                + " ON a.pid = s.active_pid WHERE s.slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        String problem = slotProblem(rs, config);
        if (problem != null) {
          SourceValidation.error(
              result,
              PostgresSourceConfig.SLOT_NAME_CONFIG,
              "Replication slot "
                  + slot
                  + " "
                  + problem
                  + (problem.endsWith("or") ? "" : ":")
                  + " choose another "
                  + PostgresSourceConfig.SLOT_NAME_CONFIG);
        }
        return true;
      }
    }
  }

  /** What is wrong with the existing slot in the current row of {@code rs}; null when nothing. */
  private static String slotProblem(ResultSet rs, PostgresSourceConfig config) throws SQLException {
    if (!"logical".equals(rs.getString(1)) || !"pgoutput".equals(rs.getString(2))) {
      return "is a "
          + rs.getString(1)
          + " slot"
          + (rs.getString(2) == null ? "" : " of plugin " + rs.getString(2))
          + ", not a logical pgoutput slot";
    }
    if (!rs.getString(8).equals(rs.getString(3))) {
      return "belongs to database " + rs.getString(3);
    }
    if (rs.getBoolean(4) && !("pgcdc-source-" + config.connectorName()).equals(rs.getString(6))) {
      return "is in use by another client (server process "
          + rs.getInt(5)
          + ", application '"
          + rs.getString(6)
          + "'"
          + (rs.getString(7) == null ? "" : ", from " + rs.getString(7))
          + "), and a slot has one reader at a time: stop that client, or";
    }
    return null;
  }

  /** A new slot needs a free one of max_replication_slots. */
  private static void checkFreeSlot(Config result, String slot, Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT current_setting('max_replication_slots')::int,"
                    + " (SELECT string_agg(slot_name, ', ' ORDER BY slot_name)"
                    + " FROM pg_replication_slots), (SELECT count(*) FROM pg_replication_slots)");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (rs.getLong(3) >= rs.getInt(1)) {
        SourceValidation.error(
            result,
            PostgresSourceConfig.SLOT_NAME_CONFIG,
            "The server has no free replication slot for "
                + slot
                + ": max_replication_slots is "
                + rs.getInt(1)
                + " and all are taken ("
                + (rs.getString(2) == null ? "none listed" : rs.getString(2))
                + "). Drop a slot that is no longer used (SELECT"
                + " pg_drop_replication_slot('name')), or raise max_replication_slots in"
                + " postgresql.conf and restart the server");
      }
    }
  }

  /**
   * The task creates the publication, or makes an existing one publish exactly the captured tables.
   * Creating needs CREATE on the database and ownership of the tables; changing needs ownership of
   * the publication and of the tables. A publication that already fits is used as it is, whoever
   * owns it.
   */
  private static void checkPublication(
      Config result, PostgresSourceConfig config, Connection c, User user, List<TableId> tables)
      throws SQLException {
    if (user.superuser()) {
      return;
    }
    String publication = config.publicationName();
    Publication existing = publication(c, publication);
    Set<String> wanted =
        tables.stream().map(TableId::quoted).collect(Collectors.toCollection(TreeSet::new));
    if (existing != null
        && (existing.allTables()
            || ReplicationSetup.publishedTables(c, publication).equals(wanted))) {
      return;
    }
    List<String> notOwned = notOwned(c, tables);
    String list = String.join(", ", wanted);
    String problem =
        existing == null
            ? createProblem(c, user, publication, notOwned)
            : changeProblem(existing, user, publication, notOwned, list);
    if (problem == null) {
      return;
    }
    SourceValidation.error(
        result,
        PostgresSourceConfig.PUBLICATION_NAME_CONFIG,
        problem
            + " As the owner of the tables (or a superuser), run "
            + (existing == null ? "CREATE PUBLICATION " : "ALTER PUBLICATION ")
            + Identifiers.quote(publication)
            + (existing == null ? " FOR TABLE " : " SET TABLE ")
            + list
            + (existing == null && serverVersion(c) >= 130000
                ? " WITH (publish_via_partition_root = true)"
                : "")
            + ", or name another publication in "
            + PostgresSourceConfig.PUBLICATION_NAME_CONFIG);
  }

  /** An existing publication: its owner, whether the user owns it, whether it is FOR ALL TABLES. */
  private record Publication(String owner, boolean ownedByUser, boolean allTables) {}

  /** The publication named {@code name}; null when there is none. */
  private static Publication publication(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_get_userbyid(pubowner), pg_has_role(pubowner, 'USAGE'), puballtables"
                + " FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new Publication(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3))
            : null;
      }
    }
  }

  /** Why the user cannot create the publication; null when it can. */
  private static String createProblem(
      Connection c, User user, String publication, List<String> notOwned) throws SQLException {
    String problem = canCreate(c) ? null : "user " + user.quoted() + " may not create it here";
    if (problem == null && !notOwned.isEmpty()) {
      problem = "user " + user.quoted() + " does not own " + String.join(", ", notOwned);
    }
    if (problem == null) {
      return null;
    }
    return "Publication "
        + Identifiers.quote(publication)
        + " does not exist, and the connector cannot create it: "
        + problem
        + " (PostgreSQL's rule for creating a publication).";
  }

  /** Why the user cannot make the publication publish exactly {@code list}; null when it can. */
  private static String changeProblem(
      Publication existing, User user, String publication, List<String> notOwned, String list) {
    if (existing.ownedByUser() && notOwned.isEmpty()) {
      return null;
    }
    return "Publication "
        + Identifiers.quote(publication)
        + " exists, owned by "
        + Identifiers.quote(existing.owner())
        + ", and does not publish exactly "
        + list
        + "; the connector would change it and cannot: "
        + (existing.ownedByUser()
            ? "user " + user.quoted() + " does not own " + String.join(", ", notOwned)
            : "user " + user.quoted() + " does not own it")
        + ".";
  }

  private static boolean canCreate(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT has_database_privilege(current_database(), 'CREATE')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static int serverVersion(Connection c) throws SQLException {
    return Catalog.serverVersion(c);
  }

  private static List<String> notOwned(Connection c, List<TableId> tables) throws SQLException {
    List<String> notOwned = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      for (TableId t : tables) {
        ps.setString(1, t.schema());
        ps.setString(2, t.table());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && !rs.getBoolean(1)) {
            notOwned.add(t.quoted());
          }
        }
      }
    }
    return notOwned;
  }
}
