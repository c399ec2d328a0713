/**
 * The source task's JMX metrics ({@code io.pgcdc:type=source-task-metrics}): snapshot and stream
 * progress, lag, the slot's retained WAL. May use {@code offset} and {@code record}.
 */
package io.pgcdc.connector.source.metrics;
