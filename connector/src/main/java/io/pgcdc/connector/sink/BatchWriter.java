package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.PgErrors;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.RowChange.Kind;
import io.pgcdc.connector.sink.TableCatalog.Column;
import io.pgcdc.connector.sink.TableCatalog.Table;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Writes row changes to PostgreSQL. {@link #prepare} makes sure the target tables and columns exist
 * and encodes each row once, straight from its values, as a COPY text line; {@link #write} applies
 * changes in one transaction: per table a TRUNCATE, one DELETE with the keys as array parameters,
 * and per set of present columns one COPY into a temporary staging table followed by one INSERT ...
 * SELECT ... ON CONFLICT (or UPDATE ... FROM).
 */
final class BatchWriter implements AutoCloseable {
  private static final int COPY_CHUNK_BYTES = 1 << 16;

  /** Key column types whose keys {@link #existingKeys} compares as whole numbers. */
  private static final Set<String> WHOLE_NUMBER_TYPES = Set.of("bigint", "integer", "smallint");

  /** A line buffer that grew past this for one huge row is not kept for the next rows. */
  private static final int MAX_KEPT_LINE_BUFFER = 1 << 20;

  private final ConnectionSettings settings;
  private final InsertMode insertMode;
  private final boolean autoCreate;
  private final boolean autoEvolve;
  private final TableCatalog catalog = new TableCatalog();
  private final Map<StagingKey, String> staging = new HashMap<>();

  /** Where {@link #prepare} encodes one row at a time. */
  private CopyBuffer lineBuffer = new CopyBuffer(1024);

  /** Per table, the column specs (by identity) known to name a column of the table. */
  private final Map<TableId, Set<ColumnSpec>> presentSpecs = new HashMap<>();

  /** Per table, the column specs (by identity) whose declared type has been checked. */
  private final Map<TableId, Set<ColumnSpec>> checkedSpecs = new HashMap<>();

  private Connection connection;
  private int stagingCounter;

  /** A staging table serves one target table and one list of columns. */
  private record StagingKey(TableId table, List<String> columns) {}

  BatchWriter(PostgresSinkConfig config, ConnectionSettings settings) {
    this.settings = settings;
    this.insertMode = config.insertMode();
    this.autoCreate = config.autoCreate();
    this.autoEvolve = config.autoEvolve();
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      staging.clear();
      connection = settings.open();
      connection.setAutoCommit(false);
    }
    return connection;
  }

  /** Drops the connection (after a lost connection or a failed batch) and what it cached. */
  void reset() {
    closeQuietly();
    staging.clear();
    catalog.invalidateAll();
    checkedSpecs.clear();
    presentSpecs.clear();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    Closeables.closeQuietly(connection); // broken or done: nothing left to do with it
    connection = null;
  }

  /**
   * Makes the target tables fit the changes (creating tables and adding columns when allowed) and
   * renders the values. Returns the changes ready for {@link #write}; the others go to {@code
   * rejected} with the reason.
   */
  List<RowChange> prepare(
      List<RowChange> changes, BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException {
    Connection c = connection();
    Map<TableId, List<RowChange>> byTable = new LinkedHashMap<>();
    for (RowChange change : changes) {
      byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
    }
    List<RowChange> ready = new ArrayList<>(changes.size());
    for (Map.Entry<TableId, List<RowChange>> entry : byTable.entrySet()) {
      TableId id = entry.getKey();
      List<RowChange> tableChanges = entry.getValue();
      Table table = ensureTable(c, id, tableChanges, rejected);
      if (table == null) {
        continue;
      }
      checkTypes(table, tableChanges);
      Shape shape = null;
      for (RowChange change : tableChanges) {
        if (shape == null
            || shape.columns != change.columns()
            || shape.keyCount != change.keyCount()) {
          shape = new Shape(table, change.columns(), change.keyCount());
        }
        RowChange rendered = render(table, shape, change, rejected);
        if (rendered != null) {
          ready.add(rendered);
        }
      }
    }
    return ready;
  }

  private Table ensureTable(
      Connection c,
      TableId id,
      List<RowChange> changes,
      BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException {
    Table table = catalog.get(c, id);
    c.commit();
    if (table == null) {
      boolean writesRows = changes.stream().anyMatch(ch -> ch.kind() == Kind.UPSERT);
      if (!writesRows) {
        return null; // deleting from or truncating a table that does not exist: nothing to do
      }
      if (!autoCreate) {
        for (RowChange change : changes) {
          rejected.accept(
              change,
              new BadRecordException(
                  "the table "
                      + id
                      + " does not exist: create it, or set auto.create=true to let the"
                      + " connector create it"));
        }
        return null;
      }
      SchemaChanges.createTable(
          c, id, changes.stream().filter(ch -> ch.kind() == Kind.UPSERT).toList());
      catalog.invalidate(id);
      table = catalog.get(c, id);
      c.commit();
      if (table == null) {
        throw new ConnectException("The table " + id + " was created but cannot be found");
      }
    }
    List<String> missing = new ArrayList<>();
    Set<ColumnSpec> present =
        presentSpecs.computeIfAbsent(id, t -> Collections.newSetFromMap(new IdentityHashMap<>()));
    if (present.size() > 10_000) {
      present.clear();
    }
    List<ColumnSpec> lastShape = null;
    for (RowChange change : changes) {
      if (change.columns() == lastShape) {
        continue; // the reader shares one list between rows of one shape
      }
      lastShape = change.columns();
      for (ColumnSpec column : change.columns()) {
        if (present.contains(column)) {
          continue;
        }
        if (table.columns().containsKey(column.name())) {
          present.add(column);
        } else if (!missing.contains(column.name())) {
          missing.add(column.name());
        }
      }
    }
    if (!missing.isEmpty() && autoEvolve) {
      SchemaChanges.addColumns(c, id, missing, changes);
      catalog.invalidate(id);
      table = catalog.get(c, id);
      c.commit();
      dropStaging(id);
      checkedSpecs.remove(id);
    }
    return table;
  }

  /**
   * Stops the task when a record declares a PostgreSQL type for a column that the target column
   * cannot hold exactly (for example bigint into integer).
   */
  private void checkTypes(Table table, List<RowChange> changes) {
    Set<ColumnSpec> checked =
        checkedSpecs.computeIfAbsent(
            table.id(), t -> Collections.newSetFromMap(new IdentityHashMap<>()));
    if (checked.size() > 10_000) {
      checked.clear(); // records that bring new schema objects all the time
    }
    List<ColumnSpec> lastShape = null;
    for (RowChange change : changes) {
      if (change.columns() == lastShape) {
        continue;
      }
      lastShape = change.columns();
      for (ColumnSpec spec : change.columns()) {
        if (spec.pgType() == null || !checked.add(spec)) {
          continue;
        }
        Column column = table.columns().get(spec.name());
        if (column != null && !ColumnTypes.holds(column.type(), spec.pgType())) {
          checked.remove(spec);
          throw new ConnectException(
              "The column "
                  + spec.name()
                  + " of table "
                  + table.id()
                  + " has type "
                  + column.type()
                  + ", but the records declare "
                  + spec.pgType()
                  + " (schema parameter pgcdc.type), which it cannot hold exactly. The connector"
                  + " never changes a column's type: run ALTER TABLE "
                  + table.id().quoted()
                  + " ALTER COLUMN "
                  + Identifiers.quote(spec.name())
                  + " TYPE "
                  + spec.pgType()
                  + "; then restart the task.");
        }
      }
    }
  }

  /**
   * A list of column specs resolved against the table once: each spec's column (null when the table
   * has none) and what its type wants for lists. Rows of one shape share the list (by identity).
   */
  private static final class Shape {
    final List<ColumnSpec> columns;
    final int keyCount;
    final Column[] resolved;
    final PgText.Target[] targets;

    /** A key column wants lists as arrays or JSON, which the reader's key text does not give. */
    boolean keysNeedTarget;

    Shape(Table table, List<ColumnSpec> columns, int keyCount) {
      this.columns = columns;
      this.keyCount = keyCount;
      resolved = new Column[columns.size()];
      targets = new PgText.Target[columns.size()];
      for (int i = 0; i < resolved.length; i++) {
        resolved[i] = table.columns().get(columns.get(i).name());
        targets[i] = resolved[i] == null ? null : PgText.Target.of(resolved[i].type());
        keysNeedTarget |= i < keyCount && targets[i] != null && targets[i] != PgText.Target.OTHER;
      }
    }
  }

  /**
   * The change with its row encoded as a COPY line (upserts) and its key texts rendered for the
   * target columns, or null when it was rejected.
   */
  private RowChange render(
      Table table,
      Shape shape,
      RowChange change,
      BiConsumer<RowChange, BadRecordException> rejected) {
    if (change.kind() == Kind.TRUNCATE) {
      return change;
    }
    Object[] values = change.values();
    boolean encode = change.kind() == Kind.UPSERT;
    CopyBuffer line = lineBuffer;
    line.clear();
    for (int i = 0; i < values.length; i++) {
      ColumnSpec spec = shape.columns.get(i);
      Column column = shape.resolved[i];
      if (column == null) {
        rejected.accept(
            change,
            new BadRecordException(
                "the table "
                    + table.id()
                    + " has no column "
                    + spec.name()
                    + ": add it, or set auto.evolve=true to let the connector add it"));
        return null;
      }
      if (column.generated()) {
        rejected.accept(
            change,
            new BadRecordException(
                "the column " + spec.name() + " of table " + table.id() + " is generated"));
        return null;
      }
      if (!encode) {
        continue;
      }
      try {
        if (i > 0) {
          line.tab();
        }
        line.value(values[i], spec.schema(), shape.targets[i]);
      } catch (RuntimeException e) {
        rejected.accept(change, cannotTake(table, spec, column, e));
        return null;
      }
    }
    String key = change.key();
    RowChange.OldKey oldKey = change.oldKey();
    if (shape.keysNeedTarget) {
      try {
        key = keyText(shape, change.columns(), change.values(), change.keyCount());
        if (oldKey != null) {
          String text = keyText(shape, oldKey.columns(), oldKey.values(), change.keyCount());
          oldKey = new RowChange.OldKey(text, oldKey.columns(), oldKey.values());
        }
      } catch (RuntimeException e) {
        rejected.accept(change, cannotTake(table, shape.columns.get(0), shape.resolved[0], e));
        return null;
      }
    }
    byte[] encoded = null;
    if (encode) {
      line.newline();
      encoded = line.toByteArray();
      if (line.bytes().length > MAX_KEPT_LINE_BUFFER) {
        lineBuffer = new CopyBuffer(1024); // a huge row once: do not keep its buffer
      }
    }
    return new RowChange(
        change.record(),
        change.table(),
        change.kind(),
        key,
        change.columns(),
        values,
        change.keyCount(),
        change.unchanged(),
        encoded,
        oldKey);
  }

  private static BadRecordException cannotTake(
      Table table, ColumnSpec spec, Column column, RuntimeException e) {
    return new BadRecordException(
        "the column "
            + spec.name()
            + " ("
            + column.type()
            + ") of table "
            + table.id()
            + " cannot take the value: "
            + e.getMessage(),
        e);
  }

  /**
   * The key texts joined by NUL, each rendered for its column's type. The reader renders keys as
   * for a scalar column; a key column of an array or json type can render a list differently.
   */
  private static String keyText(
      Shape shape, List<ColumnSpec> columns, Object[] values, int keyCount) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyCount; i++) {
      if (i > 0) {
        sb.append('\0');
      }
      sb.append(PgText.render(values[i], columns.get(i).schema(), shape.targets[i]));
    }
    return sb.toString();
  }

  /** A row's COPY line: encoded by {@link #prepare}, or now for a row merged from two. */
  private static byte[] lineOf(Table table, RowChange row) {
    if (row.line() != null) {
      return row.line();
    }
    CopyBuffer line = new CopyBuffer(256);
    Object[] values = row.values();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.tab();
      }
      ColumnSpec spec = row.columns().get(i);
      line.value(
          values[i], spec.schema(), PgText.Target.of(table.columns().get(spec.name()).type()));
    }
    line.newline();
    return line.toByteArray();
  }

  /** Writes prepared changes in one transaction; on failure rolls back and rethrows. */
  void write(List<RowChange> prepared) throws SQLException {
    Connection c = connection();
    try {
      Set<String> usedStaging = new HashSet<>();
      for (TableBatch batch : TableBatch.reduce(prepared).values()) {
        Table table = catalog.get(c, batch.table());
        if (table == null) {
          continue; // only deletes or truncates for a table that does not exist
        }
        writeTable(c, table, batch, usedStaging);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      SchemaChanges.rollbackQuietly(c, e);
      // The rollback undid staging tables created in this transaction.
      staging.clear();
      throw e;
    }
  }

  private void writeTable(Connection c, Table table, TableBatch batch, Set<String> usedStaging)
      throws SQLException {
    if (batch.truncate()) {
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE TABLE " + table.id().quoted());
      }
    }
    List<RowChange> plain = new ArrayList<>(batch.upserts().size());
    Map<List<String>, List<RowChange>> moving = new LinkedHashMap<>();
    for (RowChange row : batch.upserts()) {
      List<String> kept =
          insertMode == InsertMode.UPSERT ? RowMoves.keptColumns(table, row) : List.of();
      if (kept.isEmpty()) {
        plain.add(row);
      } else {
        List<String> group = new ArrayList<>(row.columnNames());
        group.add(null); // between the present and the kept columns
        group.addAll(kept);
        moving.computeIfAbsent(group, k -> new ArrayList<>()).add(row);
      }
    }
    // The moved rows take what their change left out from the old rows, before those are deleted.
    List<RowMoves.Staged> moves = new ArrayList<>(moving.size());
    for (List<RowChange> group : moving.values()) {
      moves.add(stageMoves(c, table, group, usedStaging));
    }
    if (!batch.deletes().isEmpty()) {
      delete(c, table, batch.deletes());
    }
    for (List<RowChange> group : byColumns(plain)) {
      upsert(c, table, group, insertMode, usedStaging);
    }
    for (RowMoves.Staged move : moves) {
      try (Statement st = c.createStatement()) {
        st.executeUpdate(RowMoves.insertStatement(table, move));
      }
    }
    for (List<RowChange> group : byColumns(batch.appends())) {
      upsert(c, table, group, InsertMode.INSERT, usedStaging);
    }
  }

  /**
   * Stages the upserts of key changes that leave columns out, and fills those columns in from the
   * rows at their old keys, which are still there: this runs before the batch's deletes.
   */
  private RowMoves.Staged stageMoves(
      Connection c, Table table, List<RowChange> rows, Set<String> usedStaging)
      throws SQLException {
    RowChange first = rows.get(0);
    List<String> names = first.columnNames();
    requireUniqueKey(table, names.subList(0, first.keyCount()));
    List<String> kept = RowMoves.keptColumns(table, first);
    List<String> columns = new ArrayList<>(names);
    columns.addAll(kept);
    List<String> oldKeyColumns = RowMoves.oldKeyColumns(columns, first.keyCount());
    String stage = stagingTable(c, table, columns, oldKeyColumns);
    if (!usedStaging.add(stage)) {
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE " + stage);
      }
    }
    RowMoves.Staged staged =
        new RowMoves.Staged(stage, names, first.keyCount(), kept, oldKeyColumns);
    copyMoves(c, table, staged, rows);
    try (Statement st = c.createStatement()) {
      if (st.executeUpdate(RowMoves.fillStatement(table, staged)) < rows.size()) {
        RowMoves.warnLost(st, table, staged);
      }
    }
    return staged;
  }

  /** Groups rows by their list of present column names, keeping the first appearance order. */
  private static Collection<List<RowChange>> byColumns(Collection<RowChange> rows) {
    Map<List<String>, List<RowChange>> groups = new LinkedHashMap<>();
    List<ColumnSpec> lastColumns = null;
    List<RowChange> lastGroup = null;
    for (RowChange row : rows) {
      if (lastColumns == null || !RowChange.sameColumnNames(row.columns(), lastColumns)) {
        lastColumns = row.columns();
        lastGroup = groups.computeIfAbsent(row.columnNames(), k -> new ArrayList<>());
      }
      lastGroup.add(row);
    }
    return groups.values();
  }

  private static void delete(Connection c, Table table, Collection<RowChange> deletes)
      throws SQLException {
    RowChange first = deletes.iterator().next();
    int keys = first.keyCount();
    StringBuilder sql = new StringBuilder("DELETE FROM ").append(table.id().quoted());
    sql.append(" AS t USING unnest(");
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      sql.append(i == 0 ? "" : ", ").append("?::text[]");
      aliases.add(Identifiers.quote("k" + i));
    }
    sql.append(") AS d(").append(String.join(", ", aliases)).append(") WHERE ");
    for (int i = 0; i < keys; i++) {
      String name = first.columns().get(i).name();
      Column column = table.columns().get(name);
      sql.append(i == 0 ? "" : " AND ")
          .append("t.")
          .append(Identifiers.quote(name))
          .append(" = d.")
          .append(aliases.get(i))
          .append("::")
          .append(column.type());
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < keys; i++) {
        String[] texts = new String[deletes.size()];
        int row = 0;
        for (RowChange delete : deletes) {
          texts[row++] = delete.keyText(i);
        }
        Array array = c.createArrayOf("text", texts);
        ps.setArray(i + 1, array);
      }
      ps.executeUpdate();
    }
  }

  private void upsert(
      Connection c, Table table, List<RowChange> rows, InsertMode mode, Set<String> usedStaging)
      throws SQLException {
    RowChange first = rows.get(0);
    List<String> names = first.columns().stream().map(ColumnSpec::name).toList();
    if (mode == InsertMode.UPSERT) {
      requireUniqueKey(table, names.subList(0, first.keyCount()));
    }
    List<RowChange> staged = rows;
    if (mode == InsertMode.INSERT) {
      copy(c, table, table.id().quoted(), names, rows);
      return;
    }
    if (mode == InsertMode.UPSERT) {
      staged = copyNewRows(c, table, names, rows);
      if (staged.isEmpty()) {
        return;
      }
    }
    String stage = stagingTable(c, table, names);
    if (!usedStaging.add(stage)) {
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE " + stage);
      }
    }
    copy(c, table, stage, names, staged);
    String sql = writeStatement(table, stage, names, first.keyCount(), mode);
    if (sql != null) {
      try (Statement st = c.createStatement()) {
        st.executeUpdate(sql);
      }
    }
  }

  /** Upserts (ON CONFLICT) need a unique index on exactly the key columns. */
  private static void requireUniqueKey(Table table, List<String> keyNames) {
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
  private static List<RowChange> copyNewRows(
      Connection c, Table table, List<String> names, List<RowChange> rows) throws SQLException {
    BitSet existing = existingKeys(c, table, names.subList(0, rows.get(0).keyCount()), rows);
    int existingCount = existing.cardinality();
    if (existingCount == rows.size()) {
      return rows;
    }
    List<RowChange> fresh = new ArrayList<>(rows.size() - existingCount);
    List<RowChange> old = new ArrayList<>(existingCount);
    for (int i = 0; i < rows.size(); i++) {
      (existing.get(i) ? old : fresh).add(rows.get(i));
    }
    return copyUnlessDuplicate(c, table, names, fresh) ? old : rows;
  }

  /** COPY into the table; false (and nothing written) when a key exists already. */
  private static boolean copyUnlessDuplicate(
      Connection c, Table table, List<String> names, List<RowChange> rows) throws SQLException {
    Savepoint savepoint = c.setSavepoint();
    try {
      copy(c, table, table.id().quoted(), names, rows);
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
   * key's index per row. A single whole-number key whose smallest value in the batch is above every
   * key of the table (rows appended with growing ids, the common case) needs one probe.
   */
  private static BitSet existingKeys(
      Connection c, Table table, List<String> keyNames, List<RowChange> rows) throws SQLException {
    Long min = keyNames.size() == 1 ? smallestWholeNumberKey(table, keyNames.get(0), rows) : null;
    if (min != null && !anyKeyFrom(c, table, keyNames.get(0), min)) {
      return new BitSet();
    }
    StringBuilder sql = new StringBuilder("SELECT d.ord FROM unnest(");
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < keyNames.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("?::text[]");
      aliases.add(Identifiers.quote("k" + i));
    }
    sql.append(") WITH ORDINALITY AS d(")
        .append(String.join(", ", aliases))
        .append(", ord) WHERE EXISTS (SELECT 1 FROM ")
        .append(table.id().quoted())
        .append(" AS t WHERE ");
    for (int i = 0; i < keyNames.size(); i++) {
      sql.append(i == 0 ? "" : " AND ")
          .append("t.")
          .append(Identifiers.quote(keyNames.get(i)))
          .append(" = d.")
          .append(aliases.get(i))
          .append("::")
          .append(table.columns().get(keyNames.get(i)).type());
    }
    sql.append(')');
    BitSet existing = new BitSet(rows.size());
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < keyNames.size(); i++) {
        String[] texts = new String[rows.size()];
        for (int row = 0; row < texts.length; row++) {
          texts[row] = rows.get(row).keyText(i);
        }
        ps.setArray(i + 1, c.createArrayOf("text", texts));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.set((int) (rs.getLong(1) - 1));
        }
      }
    }
    return existing;
  }

  /** The smallest key of the rows, when the key column is a whole number; else null. */
  private static Long smallestWholeNumberKey(Table table, String key, List<RowChange> rows) {
    if (!WHOLE_NUMBER_TYPES.contains(table.columns().get(key).type())) {
      return null;
    }
    long min = Long.MAX_VALUE;
    for (RowChange row : rows) {
      Object v = row.values()[0];
      if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
        return null;
      }
      min = Math.min(min, ((Number) v).longValue());
    }
    return min;
  }

  /**
   * Whether the table holds a key of {@code min} or more: one probe of the key's index. (max() is
   * planned as that probe; an EXISTS of {@code key >= min} may be planned as a scan of the table,
   * while its statistics are those of an empty table that is being filled.)
   */
  private static boolean anyKeyFrom(Connection c, Table table, String key, long min)
      throws SQLException {
    String sql =
        "SELECT coalesce(max("
            + Identifiers.quote(key)
            + ") >= ?, false) FROM "
            + table.id().quoted();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, min);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static String writeStatement(
      Table table, String stage, List<String> names, int keyCount, InsertMode mode) {
    String cols = names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    List<String> valueNames = names.subList(keyCount, names.size());
    String target = table.id().quoted();
    if (mode == InsertMode.UPDATE) {
      if (valueNames.isEmpty()) {
        return null;
      }
      StringBuilder sql = new StringBuilder("UPDATE ").append(target).append(" AS t SET ");
      sql.append(
          valueNames.stream()
              .map(n -> Identifiers.quote(n) + " = s." + Identifiers.quote(n))
              .collect(Collectors.joining(", ")));
      sql.append(" FROM ").append(stage).append(" AS s WHERE ");
      sql.append(
          names.subList(0, keyCount).stream()
              .map(n -> "t." + Identifiers.quote(n) + " = s." + Identifiers.quote(n))
              .collect(Collectors.joining(" AND ")));
      return sql.toString();
    }
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(target);
    sql.append(" (").append(cols).append(") SELECT ").append(cols).append(" FROM ").append(stage);
    if (mode == InsertMode.UPSERT && keyCount > 0) {
      sql.append(" ON CONFLICT (")
          .append(
              names.subList(0, keyCount).stream()
                  .map(Identifiers::quote)
                  .collect(Collectors.joining(", ")))
          .append(") DO ");
      if (valueNames.isEmpty()) {
        sql.append("NOTHING");
      } else {
        sql.append("UPDATE SET ")
            .append(
                valueNames.stream()
                    .map(n -> Identifiers.quote(n) + " = EXCLUDED." + Identifiers.quote(n))
                    .collect(Collectors.joining(", ")));
      }
    }
    return sql.toString();
  }

  /** The staging table for these columns of the target, created on first use in this session. */
  private String stagingTable(Connection c, Table table, List<String> names) throws SQLException {
    return stagingTable(c, table, names, List.of());
  }

  /** A staging table with the target's {@code names} and then {@code textColumns} of type text. */
  private String stagingTable(
      Connection c, Table table, List<String> names, List<String> textColumns) throws SQLException {
    List<String> all = new ArrayList<>(names);
    all.addAll(textColumns);
    StagingKey key = new StagingKey(table.id(), all);
    String name = staging.get(key);
    if (name != null) {
      return name;
    }
    name = "pg_temp." + Identifiers.quote("pgcdc_stage_" + (++stagingCounter));
    StringBuilder sql = new StringBuilder("CREATE TEMP TABLE ").append(name).append(" (");
    for (int i = 0; i < names.size(); i++) {
      Column column = table.columns().get(names.get(i));
      sql.append(i == 0 ? "" : ", ")
          .append(Identifiers.quote(column.name()))
          .append(' ')
          .append(column.type());
    }
    for (String text : textColumns) {
      sql.append(", ").append(Identifiers.quote(text)).append(" text");
    }
    sql.append(") ON COMMIT DELETE ROWS");
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + name);
      st.execute(sql.toString());
    }
    // Remembered now; a rollback of this transaction drops the table again, so a failed write
    // forgets every staging table (and the DROP above clears one that survived).
    staging.put(key, name);
    return name;
  }

  private void dropStaging(TableId id) {
    staging.keySet().removeIf(k -> k.table().equals(id));
  }

  private static void copy(
      Connection c, Table table, String stage, List<String> names, List<RowChange> rows)
      throws SQLException {
    copy(c, stage, names, rows, row -> lineOf(table, row));
  }

  /**
   * The rows of a key change into their staging table: each row's line, then its old key's texts.
   */
  private static void copyMoves(Connection c, Table table, RowMoves.Staged m, List<RowChange> rows)
      throws SQLException {
    List<String> columns = new ArrayList<>(m.names());
    columns.addAll(m.oldKeyColumns());
    CopyBuffer line = new CopyBuffer(256);
    copy(
        c,
        m.stage(),
        columns,
        rows,
        row -> {
          byte[] own = lineOf(table, row);
          line.clear();
          line.raw(java.util.Arrays.copyOf(own, own.length - 1)); // without its newline
          for (int i = 0; i < m.keyCount(); i++) {
            line.tab();
            line.field(row.oldKey().keyText(i));
          }
          line.newline();
          return line.toByteArray();
        });
  }

  private static void copy(
      Connection c,
      String stage,
      List<String> names,
      List<RowChange> rows,
      Function<RowChange, byte[]> lineOf)
      throws SQLException {
    CopyManager copyManager = c.unwrap(PGConnection.class).getCopyAPI();
    String sql =
        "COPY "
            + stage
            + " ("
            + names.stream().map(Identifiers::quote).collect(Collectors.joining(", "))
            + ") FROM STDIN";
    CopyIn copyIn = copyManager.copyIn(sql);
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
