package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.change.RowChange.Kind;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Makes the target tables fit the changes: creates a missing table and adds missing columns when
 * auto.create / auto.evolve allow, and stops the task when a column cannot hold the declared type.
 * Which column specs (by identity) were found or checked is remembered per table, so that rows of a
 * known shape cost no lookups.
 */
final class TargetTables {
  /** Past this many specs a table's set is cleared: records that bring new schemas all the time. */
  private static final int MAX_SPECS = 10_000;

  private final boolean autoCreate;
  private final boolean autoEvolve;
  private final TableCatalog catalog = new TableCatalog();
  private final StagingTables staging;

  /** Per table, the column specs (by identity) known to name a column of the table. */
  private final Map<TableId, Set<ColumnSpec>> presentSpecs = new HashMap<>();

  /** Per table, the column specs (by identity) whose declared type has been checked. */
  private final Map<TableId, Set<ColumnSpec>> checkedSpecs = new HashMap<>();

  TargetTables(boolean autoCreate, boolean autoEvolve, StagingTables staging) {
    this.autoCreate = autoCreate;
    this.autoEvolve = autoEvolve;
    this.staging = staging;
  }

  /** The table as the catalog has it; null when it does not exist. */
  Table get(Connection c, TableId id) throws SQLException {
    return catalog.get(c, id);
  }

  /** Forgets what was read or checked: after a failed batch the tables may have changed. */
  void forgetAll() {
    catalog.invalidateAll();
    checkedSpecs.clear();
    presentSpecs.clear();
  }

  /**
   * The table that takes the changes, created or given the missing columns when allowed; null when
   * the changes need no table (deletes or truncates of a table that does not exist) or the table is
   * missing (each change then goes to {@code rejected}). Types are checked ({@link #checkTypes}).
   */
  Table fit(
      Connection c,
      TableId id,
      List<RowChange> changes,
      BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException {
    Table table = catalog.get(c, id);
    c.commit();
    if (table == null) {
      table = create(c, id, changes, rejected);
      if (table == null) {
        return null;
      }
    }
    List<String> missing = missingColumns(table, changes);
    if (!missing.isEmpty() && autoEvolve) {
      SchemaChanges.addColumns(c, id, missing, changes);
      catalog.invalidate(id);
      table = catalog.get(c, id);
      c.commit();
      staging.forget(id);
      checkedSpecs.remove(id);
    }
    checkTypes(table, changes);
    return table;
  }

  private Table create(
      Connection c,
      TableId id,
      List<RowChange> changes,
      BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException {
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
    Table table = catalog.get(c, id);
    c.commit();
    if (table == null) {
      throw new ConnectException("The table " + id + " was created but cannot be found");
    }
    return table;
  }

  /** The names of the columns the changes carry and the table lacks, in order of appearance. */
  private List<String> missingColumns(Table table, List<RowChange> changes) {
    List<String> missing = new ArrayList<>();
    Set<ColumnSpec> present = specSet(presentSpecs, table.id());
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
    return missing;
  }

  /**
   * Stops the task when a record declares a PostgreSQL type for a column that the target column
   * cannot hold exactly (for example bigint into integer).
   */
  private void checkTypes(Table table, List<RowChange> changes) {
    Set<ColumnSpec> checked = specSet(checkedSpecs, table.id());
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
          throw cannotHold(table, spec, column);
        }
      }
    }
  }

  private static ConnectException cannotHold(Table table, ColumnSpec spec, Column column) {
    return new ConnectException(
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

  private static Set<ColumnSpec> specSet(Map<TableId, Set<ColumnSpec>> sets, TableId id) {
    Set<ColumnSpec> set =
        sets.computeIfAbsent(id, t -> Collections.newSetFromMap(new IdentityHashMap<>()));
    if (set.size() > MAX_SPECS) {
      set.clear();
    }
    return set;
  }
}
