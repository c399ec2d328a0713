package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.encode.CopyBuffer;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * One table's part of a batch's transaction, as its {@link WritePlan} says: per list of present
 * columns one COPY into a staging table and one INSERT ... SELECT ... ON CONFLICT (or UPDATE ...
 * FROM), rows with new keys copied straight into the table, one DELETE with the keys as array
 * parameters, and the key changes through {@link RowMoves}.
 */
final class TableWrite {
  private static final int COPY_CHUNK_BYTES = 1 << 16;

  /** Key column types whose keys {@link #existingKeys} compares as whole numbers. */
  private static final Set<String> WHOLE_NUMBER_TYPES = Set.of("bigint", "integer", "smallint");

  private final Connection c;
  private final Table table;
  private final InsertMode insertMode;
  private final StagingTables staging;
  private final Set<String> usedStaging;

  TableWrite(
      Connection c,
      Table table,
      InsertMode insertMode,
      StagingTables staging,
      Set<String> usedStaging) {
    this.c = c;
    this.table = table;
    this.insertMode = insertMode;
    this.staging = staging;
    this.usedStaging = usedStaging;
  }

  void write(WritePlan plan) throws SQLException {
    if (plan.truncate()) {
      execute(Sql.truncateTable(table));
    }
    // The moved rows take what their change left out from the old rows, before those are deleted.
    List<RowMoves.Staged> moves = new ArrayList<>(plan.moves().size());
    for (List<RowChange> group : plan.moves()) {
      moves.add(stageMoves(group));
    }
    if (!plan.deletes().isEmpty()) {
      delete(plan.deletes());
    }
    for (List<RowChange> group : plan.upserts()) {
      upsert(group, insertMode);
    }
    for (RowMoves.Staged move : moves) {
      execute(RowMoves.insertStatement(table, move));
    }
    for (List<RowChange> group : plan.appends()) {
      upsert(group, InsertMode.INSERT);
    }
  }

  /**
   * Stages the upserts of key changes that leave columns out, and fills those columns in from the
   * rows at their old keys, which are still there: this runs before the batch's deletes.
   */
  private RowMoves.Staged stageMoves(List<RowChange> rows) throws SQLException {
    RowChange first = rows.get(0);
    List<String> names = first.columnNames();
    requireUniqueKey(table, names.subList(0, first.keyCount()));
    List<String> kept = RowMoves.keptColumns(table, first);
    List<String> columns = new ArrayList<>(names);
    columns.addAll(kept);
    List<String> oldKeyColumns = RowMoves.oldKeyColumns(columns, first.keyCount());
    String stage = staging.empty(c, table, columns, oldKeyColumns, usedStaging);
    RowMoves.Staged staged =
        new RowMoves.Staged(stage, names, first.keyCount(), kept, oldKeyColumns);
    copyMoves(staged, rows);
    try (Statement st = c.createStatement()) {
      if (st.executeUpdate(RowMoves.fillStatement(table, staged)) < rows.size()) {
        RowMoves.warnLost(st, table, staged);
      }
    }
    return staged;
  }

  private void delete(Collection<RowChange> deletes) throws SQLException {
    RowChange first = deletes.iterator().next();
    List<String> keyNames = first.columnNames().subList(0, first.keyCount());
    try (PreparedStatement ps = c.prepareStatement(Sql.deleteByKeys(table, keyNames))) {
      bindKeyTexts(ps, keyNames.size(), deletes);
      ps.executeUpdate();
    }
  }

  private void upsert(List<RowChange> rows, InsertMode mode) throws SQLException {
    RowChange first = rows.get(0);
    List<String> names = first.columnNames();
    if (mode == InsertMode.INSERT) {
      copy(table.id().quoted(), names, rows);
      return;
    }
    List<RowChange> staged = rows;
    if (mode == InsertMode.UPSERT) {
      requireUniqueKey(table, names.subList(0, first.keyCount()));
      staged = copyNewRows(names, rows);
      if (staged.isEmpty()) {
        return;
      }
    }
    String stage = staging.empty(c, table, names, List.of(), usedStaging);
    copy(stage, names, staged);
    String sql = Sql.writeStatement(table, stage, names, first.keyCount(), mode);
    if (sql != null) {
      execute(sql);
    }
  }

  /** Upserts (ON CONFLICT) need a unique index on exactly the key columns. */
  static void requireUniqueKey(Table table, List<String> keyNames) {
    if (!keyNames.isEmpty() && !table.hasUniqueKey(keyNames)) {
      throw new ConnectException(
          "The table "
              + table.id()
              + " has no primary key or unique index on ("
              + String.join(", ", keyNames)
              + "), which upserts need: add one (ALTER TABLE "
              + table.id().quoted()
              + " ADD PRIMARY KEY ("
              + keyNames.stream().map(Identifiers::quote).collect(Collectors.joining(", "))
              + ")), or change primary.key.mode or insert.mode");
    }
  }

  /**
   * Copies the rows whose key is not in the table yet straight into it (COPY inserts in bulk, far
   * cheaper than INSERT ... SELECT), and returns the others for the staging path. Which keys exist
   * is asked first, so that the COPY does not fail on a key that exists (an update, a replayed
   * insert): a failed statement is an error in the server's log. Only when another session inserts
   * one of the new keys between the two statements does the COPY fail; it is then undone (a
   * savepoint) and every row takes the staging path.
   */
  private List<RowChange> copyNewRows(List<String> names, List<RowChange> rows)
      throws SQLException {
    BitSet existing = existingKeys(names.subList(0, rows.get(0).keyCount()), rows);
    int existingCount = existing.cardinality();
    if (existingCount == rows.size()) {
      return rows;
    }
    List<RowChange> fresh = new ArrayList<>(rows.size() - existingCount);
    List<RowChange> old = new ArrayList<>(existingCount);
    for (int i = 0; i < rows.size(); i++) {
      (existing.get(i) ? old : fresh).add(rows.get(i));
    }
    return copyUnlessDuplicate(names, fresh) ? old : rows;
  }

  /** COPY into the table; false (and nothing written) when a key exists already. */
  private boolean copyUnlessDuplicate(List<String> names, List<RowChange> rows)
      throws SQLException {
    Savepoint savepoint = c.setSavepoint();
    try {
      copy(table.id().quoted(), names, rows);
    } catch (SQLException e) {
      if (!"23505".equals(PgErrors.sqlState(e))) {
        throw e;
      }
      c.rollback(savepoint);
      return false;
    }
    c.releaseSavepoint(savepoint);
    return true;
  }

  /**
   * Which rows (by position) have a key that the table already holds: one query, a probe of the
   * key's index per row. For a single whole-number key, only the keys at or below the table's
   * largest are probed (one more probe finds it): rows appended with growing ids, the common case,
   * need no probe, and a batch that also updates older rows probes only those.
   */
  private BitSet existingKeys(List<String> keyNames, List<RowChange> rows) throws SQLException {
    long[] keys = keyNames.size() == 1 ? wholeNumberKeys(table, keyNames.get(0), rows) : null;
    int[] positions = null; // of the probed rows, when not all
    List<RowChange> probed = rows;
    if (keys != null) {
      Long max = maxKey(keyNames.get(0));
      positions = max == null ? new int[0] : atOrBelow(keys, max);
      if (positions.length == 0) {
        return new BitSet();
      }
      probed = new ArrayList<>(positions.length);
      for (int position : positions) {
        probed.add(rows.get(position));
      }
    }
    BitSet existing = new BitSet(rows.size());
    try (PreparedStatement ps = c.prepareStatement(Sql.existingKeys(table, keyNames))) {
      bindKeyTexts(ps, keyNames.size(), probed);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int index = (int) (rs.getLong(1) - 1);
          existing.set(positions == null ? index : positions[index]);
        }
      }
    }
    return existing;
  }

  /** The rows' keys, when the key column is a whole number and every key is one; else null. */
  static long[] wholeNumberKeys(Table table, String key, List<RowChange> rows) {
    if (!WHOLE_NUMBER_TYPES.contains(table.columns().get(key).type())) {
      return null;
    }
    long[] keys = new long[rows.size()];
    for (int i = 0; i < keys.length; i++) {
      Object v = rows.get(i).values()[0];
      if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
        return null;
      }
      keys[i] = ((Number) v).longValue();
    }
    return keys;
  }

  /** The positions of the keys that are at most {@code max}. */
  static int[] atOrBelow(long[] keys, long max) {
    int[] positions = new int[keys.length];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] <= max) {
        positions[n++] = i;
      }
    }
    return Arrays.copyOf(positions, n);
  }

  /** The table's largest key ({@link Sql#maxKey}), null when the table is empty. */
  private Long maxKey(String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.maxKey(table, key));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long max = rs.getLong(1);
      return rs.wasNull() ? null : max;
    }
  }

  /** Binds key column {@code i}'s texts of the rows as the {@code text[]} parameter {@code i+1}. */
  private void bindKeyTexts(PreparedStatement ps, int keyCount, Collection<RowChange> rows)
      throws SQLException {
    for (int i = 0; i < keyCount; i++) {
      String[] texts = new String[rows.size()];
      int row = 0;
      for (RowChange change : rows) {
        texts[row++] = change.keyText(i);
      }
      ps.setArray(i + 1, c.createArrayOf("text", texts));
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private void copy(String target, List<String> names, List<RowChange> rows) throws SQLException {
    copy(target, names, rows, row -> RowEncoder.lineOf(table, row));
  }

  /**
   * The rows of a key change into their staging table: each row's line, then its old key's texts.
   */
  private void copyMoves(RowMoves.Staged m, List<RowChange> rows) throws SQLException {
    List<String> columns = new ArrayList<>(m.names());
    columns.addAll(m.oldKeyColumns());
    CopyBuffer line = new CopyBuffer(256);
    copy(
        m.stage(),
        columns,
        rows,
        row -> {
          byte[] own = RowEncoder.lineOf(table, row);
          line.clear();
          line.raw(Arrays.copyOf(own, own.length - 1)); // without its newline
          for (int i = 0; i < m.keyCount(); i++) {
            line.tab();
            line.field(row.oldKey().keyText(i));
          }
          line.newline();
          return line.toByteArray();
        });
  }

  private void copy(
      String target, List<String> names, List<RowChange> rows, Function<RowChange, byte[]> lineOf)
      throws SQLException {
    CopyManager copyManager = c.unwrap(PGConnection.class).getCopyAPI();
    CopyIn copyIn = copyManager.copyIn(Sql.copyIn(target, names));
    try {
      CopyBuffer buffer = new CopyBuffer(COPY_CHUNK_BYTES + 4096);
      for (RowChange row : rows) {
        buffer.raw(lineOf.apply(row));
        if (buffer.length() >= COPY_CHUNK_BYTES) {
          copyIn.writeToCopy(buffer.bytes(), 0, buffer.length());
          buffer.clear();
        }
      }
      if (buffer.length() > 0) {
        copyIn.writeToCopy(buffer.bytes(), 0, buffer.length());
      }
      copyIn.endCopy();
    } finally {
      if (copyIn.isActive()) {
        copyIn.cancelCopy();
      }
    }
  }
}
