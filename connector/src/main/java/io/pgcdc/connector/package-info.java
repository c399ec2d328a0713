/**
 * Kafka Connect plugins for PostgreSQL, one package each: {@code source} (change data capture from
 * a logical replication slot), {@code sink} (upserts and deletes by key); what they share is in
 * {@code common}, pgcdc's JSON converter in {@code json}, the worker's REST extension in {@code
 * cleanup}.
 */
package io.pgcdc.connector;
