package io.pgcdc.it.decoder;

import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.PgOutputMessage;
import io.pgcdc.decoder.StreamStart;
import io.pgcdc.decoder.StreamStop;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A publication and a pgoutput slot on their own tables, read through the SQL interface ({@code
 * pg_logical_slot_get_binary_changes}): the raw bytes the server sends, decoded with the decoder as
 * a replication client would, tracking Stream Start / Stream Stop.
 */
final class SlotChanges implements AutoCloseable {

  /** One decoded message with the LSN and xid the server reports for it. */
  record Change(String lsn, long xid, byte[] bytes, PgOutputMessage message) {}

  private final PostgresServer pg;
  final String slot;
  final String publication;

  private SlotChanges(PostgresServer pg, String slot, String publication) {
    this.pg = pg;
    this.slot = slot;
    this.publication = publication;
  }

  /** Creates the publication for the given tables (FOR ALL TABLES when none) and the slot. */
  static SlotChanges create(PostgresServer pg, boolean twoPhase, String... tables) {
    String slot = pg.uniqueName("slot");
    String pub = pg.uniqueName("pub");
    pg.execute(
        "CREATE PUBLICATION "
            + pub
            + (tables.length == 0 ? " FOR ALL TABLES" : " FOR TABLE " + String.join(", ", tables)));
    pg.execute(
        "SELECT pg_create_logical_replication_slot('"
            + slot
            + "', 'pgoutput', false"
            + (twoPhase ? ", true" : "")
            + ")");
    return new SlotChanges(pg, slot, pub);
  }

  /** Consumes and decodes every change so far, with pgoutput options as name/value pairs. */
  List<Change> read(int protoVersion, String... options) throws SQLException {
    return read(false, protoVersion, null, options);
  }

  /** Decodes every change so far and leaves them in the slot, to read them again. */
  List<Change> peek(int protoVersion, String... options) throws SQLException {
    return read(true, protoVersion, null, options);
  }

  List<Change> read(boolean peek, int protoVersion, String workMem, String... options)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT lsn::text, xid::text::bigint, data FROM pg_logical_slot_"
                + (peek ? "peek" : "get")
                + "_binary_changes(?, NULL, NULL, 'proto_version', ?, 'publication_names', ?");
    for (int i = 0; i < options.length; i++) {
      sql.append(", ?");
    }
    sql.append(')');
    PgOutputDecoder decoder = new PgOutputDecoder(protoVersion);
    List<Change> out = new ArrayList<>();
    try (Connection c = pg.connect()) {
      if (workMem != null) {
        try (Statement s = c.createStatement()) {
          s.execute("SET logical_decoding_work_mem = '" + workMem + "'");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setString(1, slot);
        ps.setString(2, Integer.toString(protoVersion));
        ps.setString(3, publication);
        for (int i = 0; i < options.length; i++) {
          ps.setString(4 + i, options[i]);
        }
        boolean inStream = false;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byte[] bytes = rs.getBytes(3);
            PgOutputMessage m = decoder.decode(ByteBuffer.wrap(bytes), inStream);
            if (m instanceof StreamStart) {
              inStream = true;
            } else if (m instanceof StreamStop) {
              inStream = false;
            }
            out.add(new Change(rs.getString(1), rs.getLong(2), bytes, m));
          }
        }
      }
    }
    return out;
  }

  /**
   * Runs statements in one transaction ended by {@code end} ({@code COMMIT}, {@code ROLLBACK},
   * {@code PREPARE TRANSACTION ...}) and returns its top-level xid as the server numbers it.
   */
  static long transaction(PostgresServer pg, String end, String... statements) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      for (String sql : statements) {
        s.execute(sql);
      }
      long xid;
      try (ResultSet rs = s.executeQuery("SELECT txid_current() % 4294967296")) {
        rs.next();
        xid = rs.getLong(1);
      }
      s.execute(end);
      return xid;
    }
  }

  /** The messages of one class, in order. */
  static <T extends PgOutputMessage> List<T> of(List<Change> changes, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Change c : changes) {
      if (type.isInstance(c.message())) {
        out.add(type.cast(c.message()));
      }
    }
    return out;
  }

  /** The changes of one transaction, by the xid the server reports. */
  static List<Change> ofXid(List<Change> changes, long xid) {
    List<Change> out = new ArrayList<>();
    for (Change c : changes) {
      if (c.xid() == xid) {
        out.add(c);
      }
    }
    return out;
  }

  static List<PgOutputMessage> messages(List<Change> changes) {
    List<PgOutputMessage> out = new ArrayList<>();
    for (Change c : changes) {
      out.add(c.message());
    }
    return out;
  }

  @Override
  public void close() {
    pg.execute(
        "SELECT pg_drop_replication_slot('" + slot + "')",
        "DROP PUBLICATION IF EXISTS " + publication);
  }
}
