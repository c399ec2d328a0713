package io.pgcdc.decoder;

import java.time.Instant;

/**
 * Commit: the end of a transaction's changes.
 *
 * <pre>
 * Byte1('C')  Identifies the message as a commit message.
 * Int8(0)     Flags; currently unused.
 * Int64 (XLogRecPtr) The LSN of the commit.
 * Int64 (XLogRecPtr) The end LSN of the transaction.
 * Int64 (TimestampTz) Commit timestamp of the transaction.
 * </pre>
 *
 * @param flags the flags byte, currently 0
 * @param commitLsn the LSN of the commit
 * @param endLsn the end LSN of the transaction: confirm this one once the transaction is handled
 * @param commitTime commit timestamp of the transaction
 */
public record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime)
    implements PgOutputMessage {

  static Commit decode(Reader r) {
    return new Commit(
        r.int8("flags") & 0xff, r.lsn("commitLsn"), r.lsn("endLsn"), r.timestamp("commitTime"));
  }
}
