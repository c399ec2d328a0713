package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Stream Prepare: a streamed transaction was prepared (protocol version 3 and later, {@code
 * streaming} and {@code two_phase} on).
 *
 * <pre>
 * Byte1('p')  Identifies the message as a stream prepared transaction message.
 * Int8(0)     Flags; currently unused.
 * Int64 (XLogRecPtr) The LSN of the prepare.
 * Int64 (XLogRecPtr) The end LSN of the prepared transaction.
 * Int64 (TimestampTz) Prepare timestamp of the transaction.
 * Int32 (TransactionId) Xid of the transaction.
 * String The user defined GID of the prepared transaction.
 * </pre>
 *
 * @param flags the flags byte, currently 0
 * @param prepareLsn the LSN of the prepare
 * @param endLsn the end LSN of the prepared transaction
 * @param prepareTime prepare timestamp of the transaction
 * @param xid xid of the transaction (unsigned)
 * @param gid the user-defined GID of the prepared transaction
 */
public record StreamPrepare(
    int flags, Lsn prepareLsn, Lsn endLsn, Instant prepareTime, int xid, String gid)
    implements PgOutputMessage {

  static StreamPrepare decode(Reader r) {
    return new StreamPrepare(
        r.int8("flags") & 0xff,
        r.lsn("prepareLsn"),
        r.lsn("endLsn"),
        r.timestamp("prepareTime"),
        r.int32("xid"),
        r.string("gid"));
  }
}
