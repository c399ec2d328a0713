package io.pgcdc.decoder;

import java.util.List;
import java.util.OptionalInt;

/**
 * Relation: describes a table before the first change to it in a session (and again after its
 * definition changed). Insert, Update, Delete and Truncate refer to it by {@code relationId}.
 *
 * <pre>
 * Byte1('R')  Identifies the message as a relation message.
 * Int32 (TransactionId) Xid of the transaction (only present for streamed transactions).
 * Int32 (Oid) OID of the relation.
 * String Namespace (empty string for pg_catalog).
 * String Relation name.
 * Int8   Replica identity setting for the relation (same as relreplident in pg_class).
 * Int16  Number of columns.
 * Next, the following message part appears for each column included in the publication:
 * Int8   Flags for the column. Either 0 for no flags or 1 which marks the column as part of the key.
 * String Name of the column.
 * Int32 (Oid) OID of the column's data type.
 * Int32  Type modifier of the column (atttypmod).
 * </pre>
 *
 * @param xid the transaction's xid, present inside a streamed block only
 * @param relationId OID of the relation
 * @param namespace the schema; empty for {@code pg_catalog}
 * @param name the relation name
 * @param replicaIdentity {@code relreplident}: 'd' default, 'n' nothing, 'f' full, 'i' index
 * @param columns the published columns in order
 */
public record Relation(
    OptionalInt xid,
    int relationId,
    String namespace,
    String name,
    char replicaIdentity,
    List<Column> columns)
    implements PgOutputMessage {

  /** Copies {@code columns} into an unmodifiable list. */
  public Relation {
    columns = List.copyOf(columns);
  }

  /**
   * One column of a relation.
   *
   * @param flags 1 when the column is part of the key, else 0
   * @param name the column name
   * @param typeOid OID of the column's data type
   * @param typeModifier {@code atttypmod}, -1 when the type has none
   */
  public record Column(int flags, String name, int typeOid, int typeModifier) {
    /** Whether the column is part of the replica identity key (flag 1). */
    public boolean isKey() {
      return (flags & 1) != 0;
    }
  }

  static Relation decode(Reader r, boolean inStream) {
    OptionalInt xid = r.streamXid(inStream);
    int relationId = r.int32("relationId");
    String namespace = r.string("namespace");
    String name = r.string("name");
    char replicaIdentity = (char) (r.int8("replicaIdentity") & 0xff);
    int at = r.offset();
    // Each column takes at least flags (1), an empty name (1), type OID (4) and typmod (4).
    int n = r.count("columns", r.uint16("columns"), 10, at);
    Column[] columns = new Column[n];
    for (int i = 0; i < n; i++) {
      String col = "columns[" + i + "]"; // Relation messages are rare: name the column in errors
      columns[i] =
          new Column(
              r.int8(col + ".flags") & 0xff,
              r.string(col + ".name"),
              r.int32(col + ".typeOid"),
              r.int32(col + ".typeModifier"));
    }
    return new Relation(xid, relationId, namespace, name, replicaIdentity, List.of(columns));
  }
}
