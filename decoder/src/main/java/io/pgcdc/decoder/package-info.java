/** Decoder for PostgreSQL's {@code pgoutput} logical replication protocol. */
package io.pgcdc.decoder;
