package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Prepare: the end of a prepared transaction's changes ({@code PREPARE TRANSACTION}).
 *
 * <pre>
 * Byte1('P')  Identifies the message as a two-phase prepared transaction message.
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
public record Prepare(
    int flags, Lsn prepareLsn, Lsn endLsn, Instant prepareTime, int xid, String gid)
    implements PgOutputMessage {

  static Prepare decode(Reader r) {
    return new Prepare(
        r.int8("flags") & 0xff,
        r.lsn("prepareLsn"),
        r.lsn("endLsn"),
        r.timestamp("prepareTime"),
        r.int32("xid"),
        r.string("gid"));
  }
}
