package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Message: a logical decoding message, written with {@code pg_logical_emit_message} (sent when the
 * {@code messages} option is on).
 *
 * <pre>
 * Byte1('M')  Identifies the message as a logical decoding message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int8   Flags; Either 0 for no flags or 1 if the logical decoding message is transactional.
 * Int64 (XLogRecPtr) The LSN of the logical decoding message.
 * String The prefix of the logical decoding message.
 * Int32  Length of the content.
 * Byten  The content of the logical decoding message.
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param flags the flags byte; bit 1 means transactional
 * @param lsn the LSN of the logical decoding message
 * @param prefix the prefix given to {@code pg_logical_emit_message}
 * @param content the content; the accessor returns a copy
 */
public record Message(OptionalInt xid, int flags, Lsn lsn, String prefix, byte[] content)
    implements PgOutputMessage {

  /** Whether the message was emitted as part of its transaction (flag 1). */
  public boolean transactional() {
    return (flags & 1) != 0;
  }

  /** A copy of the content. */
  @Override
  public byte[] content() {
    return content.clone();
  }

  /** The content decoded as UTF-8. */
  public String contentText() {
    return new String(content, StandardCharsets.UTF_8);
  }

  // A record compares arrays by identity; a message compares by content.
  @Override
  public boolean equals(Object o) {
    return o instanceof Message m
        && xid.equals(m.xid)
        && flags == m.flags
        && lsn.equals(m.lsn)
        && prefix.equals(m.prefix)
        && Arrays.equals(content, m.content);
  }

  @Override
  public int hashCode() {
    return ((xid.hashCode() * 31 + flags) * 31 + lsn.hashCode()) * 31
        + prefix.hashCode() * 17
        + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "Message[xid="
        + xid
        + ", flags="
        + flags
        + ", lsn="
        + lsn
        + ", prefix="
        + prefix
        + ", content="
        + content.length
        + " bytes]";
  }

  static Message decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int flags = r.int8("flags") & 0xff;
    Lsn lsn = r.lsn("lsn");
    String prefix = r.string("prefix");
    return new Message(xid, flags, lsn, prefix, r.lengthPrefixed("content"));
  }
}
