package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Rollback Prepared: a prepared transaction rolled back ({@code ROLLBACK PREPARED}).
 *
 * <pre>
 * Byte1('r')  Identifies the message as the rollback of a two-phase transaction message.
 * Int8(0)     Flags; currently unused.
 * Int64 (XLogRecPtr) The end LSN of the prepared transaction.
 * Int64 (XLogRecPtr) The end LSN of the rollback of the prepared transaction.
 * Int64 (TimestampTz) Prepare timestamp of the transaction.
 * Int64 (TimestampTz) Rollback timestamp of the transaction.
 * Int32 (TransactionId) Xid of the transaction.
 * String The user defined GID of the prepared transaction.
 * </pre>
 *
 * @param flags the flags byte, currently 0
 * @param prepareEndLsn the end LSN of the prepared transaction
 * @param rollbackEndLsn the end LSN of the rollback of the prepared transaction
 * @param prepareTime prepare timestamp of the transaction
 * @param rollbackTime rollback timestamp of the transaction
 * @param xid xid of the transaction (unsigned)
 * @param gid the user-defined GID of the prepared transaction
 */
public record RollbackPrepared(
    int flags,
    Lsn prepareEndLsn,
    Lsn rollbackEndLsn,
    Instant prepareTime,
    Instant rollbackTime,
    int xid,
    String gid)
    implements PgOutputMessage {

  static RollbackPrepared decode(Reader r) {
    return new RollbackPrepared(
        r.int8("flags") & 0xff,
        r.lsn("prepareEndLsn"),
        r.lsn("rollbackEndLsn"),
        r.timestamp("prepareTime"),
        r.timestamp("rollbackTime"),
        r.int32("xid"),
        r.string("gid"));
  }
}
