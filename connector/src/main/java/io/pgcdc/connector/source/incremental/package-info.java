/**
 * The copy of a table added to a running source connector, while the other tables keep streaming:
 * DBLog's watermark algorithm. The table is copied in key-ordered chunks; each chunk is read
 * between a low and a high watermark written into the WAL, held until the stream reaches the high
 * one, and emitted there without the rows the stream changed in between (the stream's records for
 * those are newer). A thread of the copy's own ({@link CopyWorker}) reads the chunks ahead of the
 * stream. Which tables still need their copy is kept on the publication ({@link PendingTables}).
 */
package io.pgcdc.connector.source.incremental;
