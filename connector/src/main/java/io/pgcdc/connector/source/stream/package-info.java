/**
 * The streaming phase: the replication connection ({@code StreamReader}), the assembly of decoded
 * pgoutput messages into records ({@code TransactionAssembler}, no I/O, unit-tested with messages
 * built by hand), the spool of transactions streamed before they commit, and the heartbeat. May use
 * the decoder, {@code offset}, {@code record}, {@code catalog} and the source's configuration; not
 * {@code snapshot}.
 */
package io.pgcdc.connector.source.stream;
