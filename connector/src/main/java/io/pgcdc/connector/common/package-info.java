/**
 * What every pgcdc connector shares: connection settings and SSL, SQL identifiers and table names,
 * the classification of PostgreSQL errors (transient or not), the retry backoff, closing quietly,
 * the headers of a key change (written by the source, read by the sink) and the plugin version.
 * Also what validate() says about a connection that failed, the JMX registration of task metrics
 * and Kafka's rule for topic names. Depends on the JDK, the PostgreSQL JDBC driver, SLF4J and
 * Kafka's config and utility classes only; never on a connector's package.
 */
package io.pgcdc.connector.common;
