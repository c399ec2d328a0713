package io.pgcdc.decoder;

/**
 * Origin: the replication origin a transaction came from (sent after Begin).
 *
 * <pre>
 * Byte1('O')  Identifies the message as an origin message.
 * Int64 (XLogRecPtr) The LSN of the commit on the origin server.
 * String Name of the origin.
 * </pre>
 *
 * @param commitLsn the LSN of the commit on the origin server
 * @param name name of the origin
 */
public record Origin(Lsn commitLsn, String name) implements PgOutputMessage {

  static Origin decode(Reader r) {
    return new Origin(r.lsn("commitLsn"), r.string("name"));
  }
}
