/**
 * The value codecs, one per PostgreSQL type, looked up by OID through {@link
 * io.pgcdc.decoder.types.PgTypes}: text and binary forms to Java values and back, and the COPY text
 * row format ({@link io.pgcdc.decoder.types.CopyText}). Every connector reads and writes values
 * through these. Plain Java, like the decoder itself.
 */
package io.pgcdc.decoder.types;
