package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.change.RowChange.Kind;
import io.pgcdc.connector.sink.encode.CopyBuffer;
import io.pgcdc.connector.sink.encode.PgText;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Encodes each upsert once, straight from its values, as a COPY text line for the target's column
 * types, and renders the key texts of a key column that wants lists as arrays or JSON. A change
 * that the table cannot take (a missing or generated column, a value the column type refuses) is
 * rejected with the reason.
 */
final class RowEncoder {
  /** A line buffer that grew past this for one huge row is not kept for the next rows. */
  private static final int MAX_KEPT_LINE_BUFFER = 1 << 20;

  /** Where one row at a time is encoded. */
  private CopyBuffer lineBuffer = new CopyBuffer(1024);

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

    boolean fits(RowChange change) {
      return columns == change.columns() && keyCount == change.keyCount();
    }
  }

  /** Adds the table's changes to {@code ready}, encoded; the others go to {@code rejected}. */
  void encode(
      Table table,
      List<RowChange> changes,
      List<RowChange> ready,
      BiConsumer<RowChange, BadRecordException> rejected) {
    Shape shape = null;
    for (RowChange change : changes) {
      if (shape == null || !shape.fits(change)) {
        shape = new Shape(table, change.columns(), change.keyCount());
      }
      RowChange encoded = encode(table, shape, change, rejected);
      if (encoded != null) {
        ready.add(encoded);
      }
    }
  }

  /**
   * The change with its row encoded as a COPY line (upserts) and its key texts rendered for the
   * target columns, or null when it was rejected.
   */
  private RowChange encode(
      Table table,
      Shape shape,
      RowChange change,
      BiConsumer<RowChange, BadRecordException> rejected) {
    if (change.kind() == Kind.TRUNCATE) {
      return change;
    }
    boolean upsert = change.kind() == Kind.UPSERT;
    if (!encodeLine(table, shape, change, upsert, rejected)) {
      return null;
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
    byte[] line = null;
    if (upsert) {
      lineBuffer.newline();
      line = lineBuffer.toByteArray();
      if (lineBuffer.bytes().length > MAX_KEPT_LINE_BUFFER) {
        lineBuffer = new CopyBuffer(1024); // a huge row once: do not keep its buffer
      }
    }
    return new RowChange(
        change.record(),
        change.table(),
        change.kind(),
        key,
        change.columns(),
        change.values(),
        change.keyCount(),
        change.unchanged(),
        line,
        oldKey);
  }

  /**
   * Checks that the table has every column of the change, and writes the values into the line
   * buffer when {@code write}; false when the change was rejected.
   */
  private boolean encodeLine(
      Table table,
      Shape shape,
      RowChange change,
      boolean write,
      BiConsumer<RowChange, BadRecordException> rejected) {
    Object[] values = change.values();
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
        return false;
      }
      if (column.generated()) {
        rejected.accept(
            change,
            new BadRecordException(
                "the column " + spec.name() + " of table " + table.id() + " is generated"));
        return false;
      }
      if (!write) {
        continue;
      }
      try {
        if (i > 0) {
          line.tab();
        }
        line.value(values[i], spec.schema(), shape.targets[i]);
      } catch (RuntimeException e) {
        rejected.accept(change, cannotTake(table, spec, column, e));
        return false;
      }
    }
    return true;
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

  /** A row's COPY line: encoded by {@link #encode}, or now for a row merged from two. */
  static byte[] lineOf(Table table, RowChange row) {
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
}
