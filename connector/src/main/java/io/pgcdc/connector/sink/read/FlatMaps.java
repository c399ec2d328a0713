package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.sink.change.ColumnSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Flat schemaless rows with a schemaless key, read in one pass over each map by a plan made for the
 * first row of the same shape (the same field names in the same order): the values go straight into
 * one array, and rows of one shape share one column list. The plans of the last few shapes are
 * kept.
 */
final class FlatMaps {
  private final ColumnSpecs specs;
  private final MapPlan[] plans = new MapPlan[4];
  private int nextPlan;

  /** The plan of the last {@link #values} that gave values. */
  private MapPlan plan;

  FlatMaps(ColumnSpecs specs) {
    this.specs = specs;
  }

  /**
   * The values in column order (the key fields first, then the row fields that are not key fields,
   * in the maps' order), or null when no plan fits: {@link #columns} and {@link #keyCount} then
   * describe them.
   */
  Object[] values(Map<?, ?> key, Map<?, ?> row) {
    for (MapPlan known : plans) {
      Object[] values = known == null ? null : known.values(key, row);
      if (values != null) {
        plan = known;
        return values;
      }
    }
    MapPlan made = MapPlan.of(key, row, specs);
    if (made == null) {
      return null;
    }
    plans[nextPlan] = made;
    nextPlan = (nextPlan + 1) % plans.length;
    plan = made;
    return made.values(key, row);
  }

  List<ColumnSpec> columns() {
    return plan.columns;
  }

  int keyCount() {
    return plan.keyNames.length;
  }

  String keyName(int index) {
    return plan.keyNames[index];
  }

  /** How the fields of a schemaless key and row of one shape map to a change's columns. */
  private record MapPlan(
      String[] keyNames, String[] rowNames, int[] columnOfRowField, List<ColumnSpec> columns) {
    static MapPlan of(Map<?, ?> key, Map<?, ?> row, ColumnSpecs specs) {
      Row keyRow = Row.of(key, "the record key");
      Row valueRow = Row.of(row, "the record value");
      if (keyRow.names().length == 0) {
        return null; // the general path says what is wrong
      }
      List<ColumnSpec> columns = new ArrayList<>(specs.of(keyRow));
      List<ColumnSpec> rowSpecs = specs.of(valueRow);
      int[] columnOf = new int[rowSpecs.size()];
      for (int i = 0; i < columnOf.length; i++) {
        boolean isKey = Arrays.asList(keyRow.names()).contains(valueRow.names()[i]);
        columnOf[i] = isKey ? -1 : columns.size();
        if (!isKey) {
          columns.add(rowSpecs.get(i));
        }
      }
      return new MapPlan(keyRow.names(), valueRow.names(), columnOf, List.copyOf(columns));
    }

    /** The values in column order, or null when the maps do not have this plan's shape. */
    Object[] values(Map<?, ?> key, Map<?, ?> row) {
      if (key.size() != keyNames.length || row.size() != rowNames.length) {
        return null;
      }
      Object[] values = new Object[columns.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : key.entrySet()) {
        if (!sameName(keyNames[i], e.getKey())) {
          return null;
        }
        values[i++] = e.getValue();
      }
      i = 0;
      for (Map.Entry<?, ?> e : row.entrySet()) {
        if (!sameName(rowNames[i], e.getKey())) {
          return null;
        }
        int column = columnOfRowField[i++];
        if (column >= 0) {
          values[column] = e.getValue();
        }
      }
      return values;
    }

    /** JSON parsers hand out one canonical string per field name: mostly an identity check. */
    private static boolean sameName(String name, Object field) {
      return name == field || name.equals(field);
    }
  }
}
