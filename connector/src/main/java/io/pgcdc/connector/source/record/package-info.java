/**
 * Building the records: table schemas (from Relation messages or the catalog), column conversion,
 * the change envelope, topic names. Used by both phases; may use {@code offset}, {@code catalog}
 * and the source's configuration (for setting names in errors).
 */
package io.pgcdc.connector.source.record;
