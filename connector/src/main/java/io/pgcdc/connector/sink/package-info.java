/**
 * The upsert sink connector: {@link io.pgcdc.connector.sink.PostgresSinkConnector}, its task and
 * configuration; {@code SinkBatches}, which gathers the records of several {@code put()} calls into
 * batches and hands them to a writer thread; and {@code SinkApplier}, which reads records with
 * {@code sink.read}, writes a batch with {@code sink.write}, retries transient failures and
 * isolates bad records ({@code WriteErrors}). May use every {@code sink} sub-package and {@code
 * common}; the sub-packages use this one for the configuration alone.
 */
package io.pgcdc.connector.sink;
