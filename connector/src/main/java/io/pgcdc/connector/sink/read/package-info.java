/**
 * The sink's read side: a {@link org.apache.kafka.connect.sink.SinkRecord} becomes a {@code
 * RowChange}. {@link io.pgcdc.connector.sink.read.ChangeReader} reads the envelopes (ours, other
 * CDC producers', flat rows, tombstones); {@code KeyColumns} and {@code KeyMoves} the primary key
 * modes and key changes; {@code TableRouter} with {@link
 * io.pgcdc.connector.sink.read.TableNameTemplate} and {@link
 * io.pgcdc.connector.sink.read.TableAllowList} the target table. May use {@code sink.change},
 * {@code sink.encode} (key text), the sink's configuration and {@code common}; no JDBC, no
 * database.
 */
package io.pgcdc.connector.sink.read;
