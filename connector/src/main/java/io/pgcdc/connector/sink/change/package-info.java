/**
 * What the sink's read side hands its write side: a {@link
 * io.pgcdc.connector.sink.change.RowChange} (one change to one target row), the {@link
 * io.pgcdc.connector.sink.change.ColumnSpec} of each of its columns, and the {@link
 * io.pgcdc.connector.sink.change.BadRecordException} of a record that cannot be written. Immutable
 * values; uses the Connect API and {@code common} alone.
 */
package io.pgcdc.connector.sink.change;
