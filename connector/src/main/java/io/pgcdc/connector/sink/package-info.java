/**
 * The upsert sink connector: {@link io.pgcdc.connector.sink.PostgresSinkConnector}, its task and
 * configuration, and {@code SinkApplier}, which runs a {@code put()}: it reads records with {@code
 * sink.read}, writes them in batches with {@code sink.write}, retries transient failures and
 * isolates bad records ({@code WriteErrors}). May use every {@code sink} sub-package and {@code
 * common}; the sub-packages use this one for the configuration alone.
 */
package io.pgcdc.connector.sink;
