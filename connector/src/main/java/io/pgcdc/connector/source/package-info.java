/**
 * The CDC source connector: {@link io.pgcdc.connector.source.PostgresSourceConnector}, its task and
 * its configuration (the classes users configure), and {@code StartPlan}, which decides from the
 * stored offset and the slot what the task does. The phases live in the sub-packages: {@code
 * snapshot}, {@code stream}, {@code offset} (where a record sits, what may be confirmed), {@code
 * record} (building records), {@code catalog} (server catalog, slot, publication), {@code validate}
 * and {@code metrics}. This package wires them and may use them all.
 */
package io.pgcdc.connector.source;
