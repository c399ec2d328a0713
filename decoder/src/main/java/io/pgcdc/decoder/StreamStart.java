package io.pgcdc.decoder;

/**
 * Stream Start: the start of one block of changes of a large in-progress transaction (protocol
 * version 2 and later, {@code streaming} on). Until the matching {@link StreamStop}, decode with
 * {@code inStream = true}.
 *
 * <pre>
 * Byte1('S')  Identifies the message as a stream start message.
 * Int32 (TransactionId) Xid of the transaction.
 * Int8  A value of 1 indicates this is the first stream segment for this XID, 0 for any other.
 * </pre>
 *
 * @param xid xid of the transaction (unsigned)
 * @param firstSegment the byte after the xid: 1 for the first segment of this xid, else 0
 */
public record StreamStart(int xid, int firstSegment) implements PgOutputMessage {

  /** Whether this is the first stream segment for this xid. */
  public boolean isFirstSegment() {
    return firstSegment == 1;
  }

  static StreamStart decode(Reader r) {
    return new StreamStart(r.int32("xid"), r.int8("firstSegment") & 0xff);
  }
}
