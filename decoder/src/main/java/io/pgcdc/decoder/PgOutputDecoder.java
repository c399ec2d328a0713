package io.pgcdc.decoder;

import java.nio.ByteBuffer;

/**
 * Decodes one pgoutput message: the payload of one XLogData ({@code 'w'}) message of the streaming
 * replication protocol, or one row of {@code pg_logical_slot_get_binary_changes}.
 *
 * <p>The decoder is immutable and keeps no state between messages; it is safe to share between
 * threads. The caller keeps the one piece of state the protocol needs: whether the message lies
 * between a {@link StreamStart} and its {@link StreamStop}. Inside such a block, Relation, Type,
 * Message, Insert, Update, Delete and Truncate carry the transaction's xid, which they do not carry
 * elsewhere.
 *
 * <pre>{@code
 * PgOutputDecoder decoder = new PgOutputDecoder(2); // the proto_version sent in START_REPLICATION
 * boolean inStream = false;
 * PgOutputMessage m = decoder.decode(payload, inStream);
 * if (m instanceof StreamStart) inStream = true;
 * else if (m instanceof StreamStop) inStream = false;
 * }</pre>
 *
 * <p>Every malformed input, truncated or with trailing bytes, throws {@link DecodeException}; no
 * other exception escapes, and no array is allocated larger than the input can fill.
 */
public final class PgOutputDecoder {

  /** The highest protocol version this decoder reads (PostgreSQL 16 and later). */
  public static final int MAX_PROTOCOL_VERSION = 4;

  private final int protocolVersion;

  /**
   * A decoder for the negotiated {@code proto_version}.
   *
   * @param protocolVersion 1 (PostgreSQL 10+), 2 (14+, streaming), 3 (15+, two-phase) or 4 (16+,
   *     parallel streaming)
   * @throws IllegalArgumentException when the version is not 1 to 4
   */
  public PgOutputDecoder(int protocolVersion) {
    if (protocolVersion < 1 || protocolVersion > MAX_PROTOCOL_VERSION) {
      throw new IllegalArgumentException(
          "pgoutput proto_version: expected 1 to "
              + MAX_PROTOCOL_VERSION
              + ", got "
              + protocolVersion);
    }
    this.protocolVersion = protocolVersion;
  }

  /** The negotiated protocol version. */
  public int protocolVersion() {
    return protocolVersion;
  }

  /**
   * Decodes the one message between the buffer's position and its limit. The buffer's position,
   * limit and byte order are left as they were.
   *
   * @param payload the message bytes, starting with the message type byte
   * @param inStream whether the message lies between a Stream Start and its Stream Stop
   * @return the message
   * @throws DecodeException when the bytes are not one well-formed message of this protocol version
   * @throws IllegalArgumentException when {@code inStream} is true with protocol version 1, which
   *     has no streaming
   */
  public PgOutputMessage decode(ByteBuffer payload, boolean inStream) {
    if (inStream && protocolVersion < 2) {
      throw new IllegalArgumentException(
          "inStream: protocol version 1 has no streamed transactions (streaming needs 2 or later)");
    }
    Reader r = new Reader(payload);
    byte tag =
        r.tag(
            "type",
            "a message type byte (B, M, C, O, R, Y, I, U, D, T, S, E, c, A, b, P, K, r, p)");
    PgOutputMessage m =
        switch (tag) {
          case 'B' -> Begin.decode(named(r, "Begin", 1));
          case 'M' -> Message.decode(named(r, "Message", 1), inStream);
          case 'C' -> Commit.decode(named(r, "Commit", 1));
          case 'O' -> Origin.decode(named(r, "Origin", 1));
          case 'R' -> Relation.decode(named(r, "Relation", 1), inStream);
          case 'Y' -> Type.decode(named(r, "Type", 1), inStream);
          case 'I' -> Insert.decode(named(r, "Insert", 1), inStream);
          case 'U' -> Update.decode(named(r, "Update", 1), inStream);
          case 'D' -> Delete.decode(named(r, "Delete", 1), inStream);
          case 'T' -> Truncate.decode(named(r, "Truncate", 1), inStream);
          case 'S' -> StreamStart.decode(named(r, "StreamStart", 2));
          case 'E' -> StreamStop.decode(named(r, "StreamStop", 2));
          case 'c' -> StreamCommit.decode(named(r, "StreamCommit", 2));
          case 'A' -> StreamAbort.decode(named(r, "StreamAbort", 2), protocolVersion);
          case 'b' -> BeginPrepare.decode(named(r, "BeginPrepare", 3));
          case 'P' -> Prepare.decode(named(r, "Prepare", 3));
          case 'K' -> CommitPrepared.decode(named(r, "CommitPrepared", 3));
          case 'r' -> RollbackPrepared.decode(named(r, "RollbackPrepared", 3));
          case 'p' -> StreamPrepare.decode(named(r, "StreamPrepare", 3));
          default ->
              throw r.badTag(
                  "type",
                  "a message type byte (B, M, C, O, R, Y, I, U, D, T, S, E, c, A, b, P, K, r, p)",
                  tag);
        };
    r.end();
    return m;
  }

  /** Names the message for errors, and rejects messages newer than the negotiated version. */
  private Reader named(Reader r, String name, int sinceVersion) {
    r.message(name);
    if (protocolVersion < sinceVersion) {
      throw new DecodeException(
          name
              + ": expected a message of protocol version "
              + protocolVersion
              + ", got one that needs version "
              + sinceVersion
              + " or later at offset 0");
    }
    return r;
  }
}
