/**
 * The value codecs, looked up by OID through {@link io.pgcdc.decoder.types.PgTypes}: text forms to
 * Java values and back for the types a connector converts (numbers, money, bytea, dates and times,
 * interval, text, enums, hstore and arrays of them); and the COPY text row format ({@link
 * io.pgcdc.decoder.types.CopyText}). The other built-in types have no codec: {@code PgTypes} knows
 * them by name and array element type, and their values stay PostgreSQL's exact text. Plain Java,
 * like the decoder itself.
 */
package io.pgcdc.decoder.types;
