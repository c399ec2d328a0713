package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Begin Prepare: the start of a prepared transaction's changes (protocol version 3 and later,
 * {@code two_phase} on).
 *
 * <pre>
 * Byte1('b')  Identifies the message as the beginning of a prepared transaction message.
 * Int64 (XLogRecPtr) The LSN of the prepare.
 * Int64 (XLogRecPtr) The end LSN of the prepared transaction.
 * Int64 (TimestampTz) Prepare timestamp of the transaction.
 * Int32 (TransactionId) Xid of the transaction.
 * String The user defined GID of the prepared transaction.
 * </pre>
 *
 * @param prepareLsn the LSN of the prepare
 * @param endLsn the end LSN of the prepared transaction
 * @param prepareTime prepare timestamp of the transaction
 * @param xid xid of the transaction (unsigned)
 * @param gid the user-defined GID of the prepared transaction
 */
public record BeginPrepare(Lsn prepareLsn, Lsn endLsn, Instant prepareTime, int xid, String gid)
    implements PgOutputMessage {

  static BeginPrepare decode(Reader r) {
    return new BeginPrepare(
        r.lsn("prepareLsn"),
        r.lsn("endLsn"),
        r.timestamp("prepareTime"),
        r.int32("xid"),
        r.string("gid"));
  }
}
