/**
 * The checks behind {@code PostgresSourceConnector.validate()}: connection, server settings,
 * tables, publication and slot, each problem reported on the setting it is about. May use {@code
 * catalog} and the source's configuration.
 */
package io.pgcdc.connector.source.validate;
