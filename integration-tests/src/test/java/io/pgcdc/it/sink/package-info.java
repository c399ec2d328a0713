/**
 * The sink on a real worker: upserts, key modes, TOAST, key changes, schema evolution, retries, the
 * dead letter queue, table confinement, validation; and the sink's throughput benchmark.
 */
package io.pgcdc.it.sink;
