/**
 * The query source: named SELECTs and statements on schedules (interval or cron), with named
 * parameters bound as values, in bulk, incrementing, timestamp and timestamp+incrementing modes;
 * each query its own topic and its own offset. Values are converted by {@code
 * io.pgcdc.connector.types} exactly as the CDC source converts the same columns. May use {@code
 * common} and {@code types}; never the other connectors' packages.
 */
package io.pgcdc.connector.query;
