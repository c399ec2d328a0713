package io.pgcdc.connector.source.metrics;

/**
 * The copy of one table added to a running connector, as the metrics show it.
 *
 * @param rows the rows this task has emitted so far (a task that resumed a copy counts from its
 *     start)
 * @param lastKey the text of the key values of the last row emitted, comma-separated; empty before
 *     the first chunk
 * @param done whether the copy's last chunk went out
 */
public record TableCopy(long rows, String lastKey, boolean done) {}
