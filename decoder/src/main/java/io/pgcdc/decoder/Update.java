package io.pgcdc.decoder;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Update: one updated row, with its old key or old row when the replica identity sends one.
 *
 * <pre>
 * Byte1('U')  Identifies the message as an update message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32 (Oid) OID of the relation corresponding to the ID in the relation message.
 * Byte1('K')  Identifies the following TupleData submessage as a key. This field is optional and
 *             is only present if the update changed data in any of the column(s) that are part
 *             of the REPLICA IDENTITY index.
 * Byte1('O')  Identifies the following TupleData submessage as an old tuple. This field is
 *             optional and is only present if table in which the update happened has REPLICA
 *             IDENTITY set to FULL.
 * TupleData   TupleData message part representing the contents of the old tuple or primary key.
 *             Only present if the previous 'O' or 'K' part is present.
 * Byte1('N')  Identifies the following TupleData message as a new tuple.
 * TupleData   TupleData message part representing the contents of a new tuple.
 * </pre>
 *
 * <p>Columns of the new tuple may be {@link TupleValue.UnchangedToast}: the value did not change.
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param relationId OID of the relation
 * @param oldTuple the old key ('K') or old row ('O'), when sent
 * @param newTuple the new row, one value per published column
 */
public record Update(
    OptionalInt xid, int relationId, Optional<OldTuple> oldTuple, List<TupleValue> newTuple)
    implements PgOutputMessage {

  /** Copies {@code newTuple} into an unmodifiable list. */
  public Update {
    newTuple = TupleList.copyOf(newTuple);
  }

  static Update decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int relationId = r.int32("relationId");
    byte tag = r.tag("oldTuple", "tuple type K, O or N");
    Optional<OldTuple> old = Optional.empty();
    if (tag == 'K' || tag == 'O') {
      old = Optional.of(new OldTuple(tag == 'K', Tuples.decode(r, "oldTuple")));
      tag = r.tag("newTuple", "tuple type N");
      if (tag != 'N') {
        throw r.badTag("newTuple", "tuple type N", tag);
      }
    } else if (tag != 'N') {
      throw r.badTag("oldTuple", "tuple type K, O or N", tag);
    }
    return new Update(xid, relationId, old, Tuples.decode(r, "newTuple"));
  }
}
