package io.pgcdc.connector.source.record;

import io.pgcdc.decoder.Relation;
import java.sql.SQLException;

/**
 * The schemas of the relations a stream announces: {@link SchemaCache}, which reads type names and
 * keys from the catalog; a map in the unit tests of the stream's assembly.
 */
public interface RelationSchemas {
  /** Takes a Relation message: the columns the following changes of that table carry. */
  void relation(Relation r) throws SQLException;

  /** The schema of a relation seen in the stream, or null when the table is not captured. */
  TableSchema get(int relationId);
}
