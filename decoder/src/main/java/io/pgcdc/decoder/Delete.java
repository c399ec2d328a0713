package io.pgcdc.decoder;

import java.util.OptionalInt;

/**
 * Delete: one deleted row, identified by its key or its whole old row.
 *
 * <pre>
 * Byte1('D')  Identifies the message as a delete message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32 (Oid) OID of the relation corresponding to the ID in the relation message.
 * Byte1('K')  Identifies the following TupleData submessage as a key. This field is present if
 *             the table in which the delete has happened uses an index as REPLICA IDENTITY.
 * Byte1('O')  Identifies the following TupleData message as an old tuple. This field is present
 *             if the table in which the delete happened has REPLICA IDENTITY set to FULL.
 * TupleData   TupleData message part representing the contents of the old tuple or primary key,
 *             depending on the previous field.
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param relationId OID of the relation
 * @param oldTuple the old key ('K') or old row ('O')
 */
public record Delete(OptionalInt xid, int relationId, OldTuple oldTuple)
    implements PgOutputMessage {

  static Delete decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int relationId = r.int32("relationId");
    byte tag = r.tag("oldTuple", "tuple type K or O");
    if (tag != 'K' && tag != 'O') {
      throw r.badTag("oldTuple", "tuple type K or O", tag);
    }
    return new Delete(xid, relationId, new OldTuple(tag == 'K', Tuples.decode(r, "oldTuple")));
  }
}
