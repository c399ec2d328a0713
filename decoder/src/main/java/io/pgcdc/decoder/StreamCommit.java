package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Stream Commit: a streamed transaction committed; its streamed changes take effect.
 *
 * <pre>
 * Byte1('c')  Identifies the message as a stream commit message.
 * Int32 (TransactionId) Xid of the transaction.
 * Int8(0)     Flags; currently unused.
 * Int64 (XLogRecPtr) The LSN of the commit.
 * Int64 (XLogRecPtr) The end LSN of the transaction.
 * Int64 (TimestampTz) Commit timestamp of the transaction.
 * </pre>
 *
 * @param xid xid of the transaction (unsigned)
 * @param flags the flags byte, currently 0
 * @param commitLsn the LSN of the commit
 * @param endLsn the end LSN of the transaction
 * @param commitTime commit timestamp of the transaction
 */
public record StreamCommit(int xid, int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime)
    implements PgOutputMessage {

  static StreamCommit decode(Reader r) {
    return new StreamCommit(
        r.int32("xid"),
        r.int8("flags") & 0xff,
        r.lsn("commitLsn"),
        r.lsn("endLsn"),
        r.timestamp("commitTime"));
  }
}
