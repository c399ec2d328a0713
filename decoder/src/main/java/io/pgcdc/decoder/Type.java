package io.pgcdc.decoder;

import java.util.OptionalInt;

/**
 * Type: names a data type that is not built in, before a Relation that uses it. Register its OID
 * with {@code io.pgcdc.decoder.types.PgTypes} to convert its values through its base type.
 *
 * <pre>
 * Byte1('Y')  Identifies the message as a type message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32 (Oid) OID of the data type.
 * String Namespace (empty string for pg_catalog).
 * String Name of the data type.
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param typeOid OID of the data type
 * @param namespace the schema; empty for {@code pg_catalog}
 * @param name name of the data type
 */
public record Type(OptionalInt xid, int typeOid, String namespace, String name)
    implements PgOutputMessage {

  static Type decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    return new Type(xid, r.int32("typeOid"), r.string("namespace"), r.string("name"));
  }
}
