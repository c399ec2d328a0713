/** Kafka Connect source and sink connectors for PostgreSQL. */
package io.pgcdc.connector;
