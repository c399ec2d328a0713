/**
 * The pipeline end to end (source, Kafka, sink into another table): round trips, key changes, bad
 * input, and faults (worker kills, server restarts, cut connections) after which the copy equals
 * the table.
 */
package io.pgcdc.it.e2e;
