package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements that move rows to a new key (the upserts of key changes) while keeping the values
 * their change left out (unchanged TOAST): the staged rows take those values from the rows at their
 * old keys ({@link #fillStatement}, before the batch deletes the old rows), then are upserted
 * ({@link #insertStatement}). When a row is at the new key already (records written again after a
 * restart), its own values of the kept columns stay.
 */
final class RowMoves {
  private static final Logger LOG = LoggerFactory.getLogger(RowMoves.class);

  private RowMoves() {}

  /**
   * A staging table of moved rows: the present columns {@code names} (key first), the {@code kept}
   * columns to fill in, then the old key's texts in {@code oldKeyColumns}.
   */
  record Staged(
      String stage,
      List<String> names,
      int keyCount,
      List<String> kept,
      List<String> oldKeyColumns) {
    List<String> keyNames() {
      return names.subList(0, keyCount);
    }

    List<String> written() {
      List<String> all = new ArrayList<>(names);
      all.addAll(kept);
      return all;
    }
  }

  /**
   * The columns of the target that the upsert of a key change left out (unchanged TOAST) and takes
   * from its old row, sorted; empty for any other upsert.
   */
  static List<String> keptColumns(Table table, RowChange row) {
    if (row.oldKey() == null || row.unchanged().isEmpty()) {
      return List.of();
    }
    List<String> kept = new ArrayList<>();
    for (String name : row.unchanged()) {
      Column column = table.columns().get(name);
      if (column != null && !column.generated()) {
        kept.add(name);
      }
    }
    Collections.sort(kept);
    return kept;
  }

  /**
   * Logs the moved rows that found no old row and whose new key is not in the table either: they
   * are inserted without the values their change left out. Records written again after a restart do
   * that when the row moved on later (the later move then finds the row at the new key and keeps
   * its value); otherwise the records came out of order. Nothing is lost silently.
   */
  static void warnLost(Statement st, Table table, RowMoves.Staged m) throws SQLException {
    int shown = 0;
    try (ResultSet rs = st.executeQuery(RowMoves.lostStatement(table, m))) {
      while (rs.next()) {
        if (++shown <= 10) {
          LOG.warn(
              "Table {}: the key change of the row with key ({}) = ({}) to ({}) found no row at"
                  + " the old key nor at the new one, so the new row has NULL in the columns {}"
                  + " that the change left out (unchanged TOAST). Expected while records are"
                  + " written again after a restart, when a later record moves the row on; else"
                  + " the records of the key change came out of order (see docs/sink.md), and"
                  + " those values must be copied from the source",
              table.id(),
              String.join(", ", m.names().subList(0, m.keyCount())),
              rs.getString(2),
              rs.getString(1),
              m.kept());
        }
      }
    }
    if (shown > 10) {
      LOG.warn("Table {}: {} more such rows", table.id(), shown - 10);
    }
  }

  /** Names for the old key's columns in a staging table that holds {@code taken} columns. */
  static List<String> oldKeyColumns(List<String> taken, int keyCount) {
    String prefix = "pgcdc_old_key_";
    while (clashes(taken, prefix)) {
      prefix = "_" + prefix;
    }
    List<String> names = new ArrayList<>(keyCount);
    for (int i = 0; i < keyCount; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  private static boolean clashes(List<String> taken, String prefix) {
    return taken.stream().anyMatch(n -> n.startsWith(prefix));
  }

  /** Copies the kept columns from the old rows into the staged rows; counts the rows it found. */
  static String fillStatement(Table table, Staged m) {
    return "UPDATE "
        + m.stage()
        + " AS s SET "
        + m.kept().stream()
            .map(n -> Identifiers.quote(n) + " = t." + Identifiers.quote(n))
            .collect(Collectors.joining(", "))
        + " FROM "
        + table.id().quoted()
        + " AS t WHERE "
        + oldKeyMatches(table, m, "t");
  }

  /**
   * The staged rows (new key text, old key text) found neither at their old key nor at their new
   * one.
   */
  static String lostStatement(Table table, Staged m) {
    return "SELECT concat_ws(', ', "
        + m.keyNames().stream()
            .map(n -> "s." + Identifiers.quote(n) + "::text")
            .collect(Collectors.joining(", "))
        + "), concat_ws(', ', "
        + m.oldKeyColumns().stream()
            .map(n -> "s." + Identifiers.quote(n))
            .collect(Collectors.joining(", "))
        + ") FROM "
        + m.stage()
        + " AS s WHERE NOT EXISTS (SELECT 1 FROM "
        + table.id().quoted()
        + " AS o WHERE "
        + oldKeyMatches(table, m, "o")
        + ") AND NOT EXISTS (SELECT 1 FROM "
        + table.id().quoted()
        + " AS n WHERE "
        + m.keyNames().stream()
            .map(k -> "n." + Identifiers.quote(k) + " = s." + Identifiers.quote(k))
            .collect(Collectors.joining(" AND "))
        + ")";
  }

  /**
   * Upserts the staged rows. A row already at the new key keeps its own value of a kept column:
   * that happens only when records are written again after a restart, and then the row at the new
   * key is newer than the one at the old key (which may even be a later row that reuses the key).
   */
  static String insertStatement(Table table, Staged m) {
    List<String> written = m.written();
    String cols = written.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    List<String> set = new ArrayList<>();
    for (String n : m.names().subList(m.keyCount(), m.names().size())) {
      set.add(Identifiers.quote(n) + " = EXCLUDED." + Identifiers.quote(n));
    }
    for (String n : m.kept()) {
      String q = Identifiers.quote(n);
      set.add(q + " = COALESCE(t." + q + ", EXCLUDED." + q + ")");
    }
    return "INSERT INTO "
        + table.id().quoted()
        + " AS t ("
        + cols
        + ") SELECT "
        + cols
        + " FROM "
        + m.stage()
        + " ON CONFLICT ("
        + m.keyNames().stream().map(Identifiers::quote).collect(Collectors.joining(", "))
        + ") DO UPDATE SET "
        + String.join(", ", set);
  }

  /** {@code alias}'s key equals the staged row's old key (text, cast to the key column's type). */
  private static String oldKeyMatches(Table table, Staged m, String alias) {
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < m.keyCount(); i++) {
      String key = m.keyNames().get(i);
      terms.add(
          alias
              + "."
              + Identifiers.quote(key)
              + " = s."
              + Identifiers.quote(m.oldKeyColumns().get(i))
              + "::"
              + table.columns().get(key).type());
    }
    return String.join(" AND ", terms);
  }
}
