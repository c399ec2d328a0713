package io.pgcdc.decoder;

import java.time.Instant;
import java.util.Optional;

/**
 * Stream Abort: a streamed transaction or subtransaction aborted; drop its streamed changes.
 *
 * <pre>
 * Byte1('A')  Identifies the message as a stream abort message.
 * Int32 (TransactionId) Xid of the transaction.
 * Int32 (TransactionId) Xid of the subtransaction (will be same as xid of the transaction for
 *             top-level transactions).
 * Int64 (XLogRecPtr) The LSN of the abort operation, present only when streaming is set to
 *             parallel. This field is available since protocol version 4.
 * Int64 (TimestampTz) Abort timestamp of the transaction, present only when streaming is set to
 *             parallel. This field is available since protocol version 4.
 * </pre>
 *
 * <p>Since the decoder does not know whether {@code streaming} is {@code parallel}, with protocol
 * version 4 it reads the two fields when the message has 16 more bytes after the subtransaction
 * xid, and none when it ends there; anything else is an error.
 *
 * @param xid xid of the transaction (unsigned)
 * @param subXid xid of the subtransaction; equals {@code xid} for a top-level abort
 * @param abortLsn the LSN of the abort, when sent
 * @param abortTime the abort timestamp, when sent
 */
public record StreamAbort(int xid, int subXid, Optional<Lsn> abortLsn, Optional<Instant> abortTime)
    implements PgOutputMessage {

  /** Whether the whole transaction aborted, not one of its subtransactions. */
  public boolean isTopLevel() {
    return xid == subXid;
  }

  static StreamAbort decode(Reader r, int protocolVersion) {
    int xid = r.int32("xid");
    int subXid = r.int32("subXid");
    if (protocolVersion >= 4 && r.remaining() > 0) {
      return new StreamAbort(
          xid, subXid, Optional.of(r.lsn("abortLsn")), Optional.of(r.timestamp("abortTime")));
    }
    return new StreamAbort(xid, subXid, Optional.empty(), Optional.empty());
  }
}
