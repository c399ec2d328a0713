/**
 * Decoder for PostgreSQL's {@code pgoutput} logical replication protocol: one immutable record per
 * message (named as the protocol names them), tuple values, {@link io.pgcdc.decoder.Lsn}, and
 * {@link io.pgcdc.decoder.PgOutputDecoder}, which dispatches on the tag byte. Plain Java: it may
 * use the JDK only (the Maven enforcer keeps it so), does no I/O and keeps no transaction state.
 */
package io.pgcdc.decoder;
