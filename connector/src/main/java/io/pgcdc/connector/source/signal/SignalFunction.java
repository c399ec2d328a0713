package io.pgcdc.connector.source.signal;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.source.PostgresSourceConfig;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The connector's signal function and its key. PUBLIC may execute {@code pg_logical_emit_message}
 * (PostgreSQL 15: its ACL is the default), so any role can write a message with the signal prefix:
 * the prefix proves nothing. The proof is an HMAC-SHA256 of the signal, made by a {@code SECURITY
 * DEFINER} function owned by the connector's user, with a key in a table only that user (and
 * superusers) can read. Only the connector's user and the roles of {@code signal.roles} may execute
 * the function: the task revokes EXECUTE from PUBLIC and from every other role on each start.
 *
 * <p>The function: {@code pgcdc_signal_<slot>(action text, tables text[] DEFAULT '{}', condition
 * text DEFAULT NULL) RETURNS pg_lsn}, the LSN of the message.
 */
public final class SignalFunction {
  /** HMAC-SHA256's block size: a key of this length is used as it is. */
  static final int KEY_BYTES = 64;

  private final String schema;
  private final String slot;
  private final String prefix;

  public SignalFunction(PostgresSourceConfig config) {
    this(config.signalSchema(), config.slotName(), config.signalPrefix());
  }

  SignalFunction(String schema, String slot, String prefix) {
    this.schema = schema;
    this.slot = slot;
    this.prefix = prefix;
  }

  /** The function's quoted name. */
  public String function() {
    return Identifiers.quote(schema) + "." + Identifiers.quote("pgcdc_signal_" + slot);
  }

  /** The function's signature, as GRANT and REVOKE name it. */
  String signature() {
    return function() + "(text, text[], text)";
  }

  String keyTable() {
    return Identifiers.quote(schema) + "." + Identifiers.quote("pgcdc_signal_key_" + slot);
  }

  /** The statement that writes a signal, with parameters action, tables (text[]), condition. */
  public String call() {
    return "SELECT " + function() + "(?, ?::text[], ?)::text";
  }

  String createKeyTable() {
    return "CREATE TABLE IF NOT EXISTS "
        + keyTable()
        + " (inner_key bytea NOT NULL, outer_key bytea NOT NULL, status text)";
  }

  String createFunction() {
    String body =
        "DECLARE k record; body text; BEGIN"
            + " SELECT inner_key, outer_key INTO STRICT k FROM "
            + keyTable()
            + "; body := json_build_object('slot', "
            + Identifiers.literal(slot)
            + ", 'action', action, 'tables', coalesce(tables, '{}'), 'condition', condition,"
            + " 'by', session_user::text, 'wal', pg_current_wal_insert_lsn()::text)::text;"
            + " RETURN pg_logical_emit_message(false, "
            + Identifiers.literal(prefix)
            + ", body || chr(10) || encode(sha256(k.outer_key || sha256(k.inner_key ||"
            + " convert_to(body, 'UTF8'))), 'hex')); END";
    return "CREATE OR REPLACE FUNCTION "
        + function()
        + "(action text, tables text[] DEFAULT '{}', condition text DEFAULT NULL)"
        + " RETURNS pg_lsn LANGUAGE plpgsql SECURITY DEFINER"
        + " SET search_path = pg_catalog, pg_temp AS "
        + Identifiers.literal(body);
  }

  /**
   * Creates the key (once) and the function (again each time: the prefix may have changed), and
   * lets exactly the connector's user and {@code roles} execute it. Gives the key.
   */
  public byte[] install(Connection c, List<String> roles) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      // One installer at a time (a REST call and a task start may meet).
      s.execute("SELECT pg_advisory_xact_lock(hashtext(" + Identifiers.literal(keyTable()) + "))");
      s.execute(createKeyTable());
      s.execute("REVOKE ALL ON TABLE " + keyTable() + " FROM PUBLIC");
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + keyTable()
                  + " (inner_key, outer_key) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                  + keyTable()
                  + ")")) {
        ps.setBytes(1, SignalProof.pad(key, (byte) 0x36));
        ps.setBytes(2, SignalProof.pad(key, (byte) 0x5c));
        ps.executeUpdate();
      }
      s.execute(createFunction());
      s.execute("REVOKE ALL ON FUNCTION " + signature() + " FROM PUBLIC");
      for (String other : grantees(c)) {
        if (!roles.contains(other)) {
          s.execute("REVOKE ALL ON FUNCTION " + signature() + " FROM " + Identifiers.quote(other));
        }
      }
      for (String role : roles) {
        s.execute("GRANT EXECUTE ON FUNCTION " + signature() + " TO " + Identifiers.quote(role));
      }
      byte[] stored = key(c);
      c.commit();
      return stored;
    } catch (SQLException e) {
      if (PgErrors.isTransient(e)) {
        throw e; // the task tries again
      }
      c.rollback();
      throw new ConnectException(
          "Could not set up signal function "
              + function()
              + " (settings "
              + PostgresSourceConfig.SIGNAL_ENABLED_CONFIG
              + ", "
              + PostgresSourceConfig.SIGNAL_SCHEMA_CONFIG
              + ", "
              + PostgresSourceConfig.SIGNAL_ROLES_CONFIG
              + "): "
              + e.getMessage()
              + ". The connector's user needs CREATE on schema "
              + schema
              + ", must own the function if it exists, and each role of "
              + PostgresSourceConfig.SIGNAL_ROLES_CONFIG
              + " must exist.",
          e);
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The roles other than the owner that hold a privilege on the function. */
  private Set<String> grantees(Connection c) throws SQLException {
    Set<String> names = new TreeSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_get_userbyid(a.grantee) FROM pg_proc p, aclexplode(p.proacl) a"
                + " WHERE p.oid = ?::regprocedure AND a.grantee <> p.proowner AND a.grantee <> 0")) {
      ps.setString(1, signature());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  /** The HMAC key, from the key table. */
  byte[] key(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT inner_key FROM " + keyTable())) {
      if (!rs.next()) {
        throw new SQLException("the key table " + keyTable() + " is empty");
      }
      return SignalProof.pad(rs.getBytes(1), (byte) 0x36); // inner = key ^ ipad
    }
  }

  /** Writes the copy's progress where the REST extension reads it. */
  void writeStatus(Connection c, String status) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + keyTable() + " SET status = ?")) {
      ps.setString(1, status);
      ps.executeUpdate();
    }
  }

  /** The progress the task last wrote; null when none (or no function). */
  public String readStatus(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT to_regclass(" + Identifiers.literal(keyTable()) + ")")) {
        if (!rs.next() || rs.getString(1) == null) {
          return null;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT status FROM " + keyTable())) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Drops the function and its key (the connector is deleted). */
  public List<String> dropStatements() {
    List<String> sql = new ArrayList<>();
    sql.add("DROP FUNCTION IF EXISTS " + signature());
    sql.add("DROP TABLE IF EXISTS " + keyTable());
    return sql;
  }
}
