package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Commit Prepared: a prepared transaction committed ({@code COMMIT PREPARED}).
 *
 * <pre>
 * Byte1('K')  Identifies the message as the commit of a two-phase transaction message.
 * Int8(0)     Flags; currently unused.
 * Int64 (XLogRecPtr) The LSN of the commit of the prepared transaction.
 * Int64 (XLogRecPtr) The end LSN of the commit of the prepared transaction.
 * Int64 (TimestampTz) Commit timestamp of the transaction.
 * Int32 (TransactionId) Xid of the transaction.
 * String The user defined GID of the prepared transaction.
 * </pre>
 *
 * @param flags the flags byte, currently 0
 * @param commitLsn the LSN of the commit of the prepared transaction
 * @param endLsn the end LSN of the commit of the prepared transaction
 * @param commitTime commit timestamp of the transaction
 * @param xid xid of the transaction (unsigned)
 * @param gid the user-defined GID of the prepared transaction
 */
public record CommitPrepared(
    int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime, int xid, String gid)
    implements PgOutputMessage {

  static CommitPrepared decode(Reader r) {
    return new CommitPrepared(
        r.int8("flags") & 0xff,
        r.lsn("commitLsn"),
        r.lsn("endLsn"),
        r.timestamp("commitTime"),
        r.int32("xid"),
        r.string("gid"));
  }
}
