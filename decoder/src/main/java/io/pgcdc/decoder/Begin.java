package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Begin: the start of a transaction's changes.
 *
 * <pre>
 * Byte1('B')  Identifies the message as a begin message.
 * Int64 (XLogRecPtr)  The final LSN of the transaction.
 * Int64 (TimestampTz) Commit timestamp of the transaction.
 * Int32 (TransactionId) Xid of the transaction.
 * </pre>
 *
 * @param finalLsn the final LSN of the transaction
 * @param commitTime commit timestamp of the transaction
 * @param xid xid of the transaction (unsigned)
 */
public record Begin(Lsn finalLsn, Instant commitTime, int xid) implements PgOutputMessage {

  static Begin decode(Reader r) {
    return new Begin(r.lsn("finalLsn"), r.timestamp("commitTime"), r.int32("xid"));
  }
}
