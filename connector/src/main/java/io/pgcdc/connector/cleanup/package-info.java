/**
 * The worker's REST extension ({@link io.pgcdc.connector.cleanup.CleanupOnDeleteExtension}): drops
 * a deleted (or reset) source connector's slot and publication, keeping them whenever another
 * connector may still read them or that cannot be known, and warns about passwords sent in clear.
 * It may use {@code common} and the source's public config ({@code PostgresSourceConfig}); nothing
 * else of the connectors uses it.
 */
package io.pgcdc.connector.cleanup;
