/**
 * The notify source: LISTEN on channels, one record per notification ({@code
 * PostgresNotifySourceConnector}, its config, task, listening connection, records, metrics and
 * validation). May use {@code common} and the PostgreSQL driver; never another connector's package.
 */
package io.pgcdc.connector.notify;
