package io.pgcdc.connector.source.incremental;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.source.record.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of one chunk: the next {@code limit} rows after the last key copied, in key order, as
 * COPY text (the snapshot's format and parser). Keys are compared as a row, {@code (k1, k2) > (v1,
 * v2)}, which the primary key's index serves. The last key goes in as literals of the key values'
 * text, cast to the columns' types: COPY takes no parameters.
 */
final class ChunkQuery {
  private ChunkQuery() {}

  /**
   * @param after the text of the last copied row's key values, in key order; null for the first
   *     chunk
   */
  static String copy(TableSchema t, List<String> after, int limit) {
    return copy(t, after, limit, null);
  }

  /**
   * As {@link #copy(TableSchema, List, int)}, of the rows matching {@code condition} (a boolean
   * expression checked by the caller; null: every row). It stands on lines of its own, so that a
   * line comment in it cannot reach the SQL after it.
   */
  static String copy(TableSchema t, List<String> after, int limit, String condition) {
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < t.keyColumns.length; i++) {
      TableSchema.Column c = t.columns.get(t.keyColumns[i]);
      keys.add(Identifiers.quote(c.name()));
      if (after != null) {
        values.add(Identifiers.literal(after.get(i)) + "::" + c.pgType());
      }
    }
    String keyList = String.join(", ", keys);
    return "COPY (SELECT "
        + t.columns.stream().map(c -> Identifiers.quote(c.name())).collect(Collectors.joining(", "))
        + " FROM "
        + t.table.quoted()
        + where(
            condition,
            after == null ? null : "(" + keyList + ") > (" + String.join(", ", values) + ")")
        + " ORDER BY "
        + keyList
        + " LIMIT "
        + limit
        + ") TO STDOUT";
  }

  private static String where(String condition, String afterKey) {
    if (condition == null) {
      return afterKey == null ? "" : " WHERE " + afterKey;
    }
    return " WHERE (\n" + condition + "\n)" + (afterKey == null ? "" : " AND " + afterKey);
  }

  /**
   * The transactions that hold a lock taken by writers on the table (or a partition of it): those
   * that may have written the WAL of their commit before a watermark without being visible yet to a
   * snapshot taken after it. Parameters: the table's OID, twice.
   */
  static final String WRITERS =
      "SELECT coalesce(array_agg(DISTINCT l.virtualtransaction), '{}') FROM pg_locks l"
          + " WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()"
          + " AND l.mode IN ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock',"
          + " 'AccessExclusiveLock')"
          // pg_partition_tree lists the partitions of a partitioned table, and nothing for a
          // table that is not partitioned: the table itself is named on its own.
          + " AND (l.relation = ?::oid"
          + " OR l.relation IN (SELECT relid FROM pg_partition_tree(?::oid::regclass)))";

  /** How many of the transactions (virtual ids, a text array) are still running. */
  static final String RUNNING =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY(?::text[])";

  /** Writes a watermark: a non-transactional logical decoding message; gives its LSN. */
  static final String WATERMARK = "SELECT pg_logical_emit_message(false, ?, ?)::text";

  /**
   * {@link #WATERMARK}, flushed: the statement's transaction gets an id, so its commit (which no
   * change makes a record of) flushes the WAL up to the message. A walsender sends only flushed
   * WAL, and a non-transactional message alone waits for the WAL writer (up to {@code
   * wal_writer_delay}).
   */
  static final String WATERMARK_FLUSHED =
      "SELECT pg_logical_emit_message(false, ?, ?)::text, pg_current_xact_id()";
}
