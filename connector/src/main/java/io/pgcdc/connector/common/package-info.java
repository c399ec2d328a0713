/**
 * What every pgcdc connector shares: connection settings and SSL, SQL identifiers and table names,
 * the classification of PostgreSQL errors (transient or not), the retry backoff, closing quietly,
 * the headers of a key change (written by the source, read by the sink) and the plugin version.
 * Depends on the JDK, the PostgreSQL JDBC driver and Kafka's config classes only; never on a
 * connector's package.
 */
package io.pgcdc.connector.common;
