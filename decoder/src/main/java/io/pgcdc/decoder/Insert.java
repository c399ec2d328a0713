package io.pgcdc.decoder;

import java.util.List;
import java.util.OptionalInt;

/**
 * Insert: one inserted row.
 *
 * <pre>
 * Byte1('I')  Identifies the message as an insert message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32 (Oid) OID of the relation corresponding to the ID in the relation message.
 * Byte1('N')  Identifies the following TupleData message as a new tuple.
 * TupleData   TupleData message part representing the contents of new tuple.
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param relationId OID of the relation
 * @param newTuple the new row, one value per published column
 */
public record Insert(OptionalInt xid, int relationId, List<TupleValue> newTuple)
    implements PgOutputMessage {

  /** Copies {@code newTuple} into an unmodifiable list. */
  public Insert {
    newTuple = TupleList.copyOf(newTuple);
  }

  static Insert decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int relationId = r.int32("relationId");
    byte tag = r.tag("newTuple", "tuple type N");
    if (tag != 'N') {
      throw r.badTag("newTuple", "tuple type N", tag);
    }
    return new Insert(xid, relationId, Tuples.decode(r, "newTuple"));
  }
}
