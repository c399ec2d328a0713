package io.pgcdc.decoder;

import java.util.List;
import java.util.OptionalInt;

/**
 * Truncate: one TRUNCATE statement over one or more relations.
 *
 * <pre>
 * Byte1('T')  Identifies the message as a truncate message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32  Number of relations
 * Int8   Option bits for TRUNCATE: 1 for CASCADE, 2 for RESTART IDENTITY
 * Int32 (Oid) OID of the relation corresponding to the ID in the relation message.
 *             This field is repeated for each relation.
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param options option bits: 1 CASCADE, 2 RESTART IDENTITY
 * @param relationIds OIDs of the truncated relations
 */
public record Truncate(OptionalInt xid, int options, List<Integer> relationIds)
    implements PgOutputMessage {

  /** Option bit for CASCADE. */
  public static final int CASCADE = 1;

  /** Option bit for RESTART IDENTITY. */
  public static final int RESTART_IDENTITY = 2;

  /** Copies {@code relationIds} into an unmodifiable list. */
  public Truncate {
    relationIds = List.copyOf(relationIds);
  }

  /** Whether TRUNCATE ... CASCADE was given. */
  public boolean cascade() {
    return (options & CASCADE) != 0;
  }

  /** Whether TRUNCATE ... RESTART IDENTITY was given. */
  public boolean restartIdentity() {
    return (options & RESTART_IDENTITY) != 0;
  }

  static Truncate decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int at = r.offset();
    int n = r.int32("relations");
    int options = r.int8("options") & 0xff;
    r.count("relations", n, 4, at);
    Integer[] ids = new Integer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.int32("relationIds");
    }
    return new Truncate(xid, options, List.of(ids));
  }
}
