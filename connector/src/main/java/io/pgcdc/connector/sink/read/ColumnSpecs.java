package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.sink.change.ColumnSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * The column specs of a row, made once per schema (structs, by identity) or per field name
 * (schemaless maps), so that rows of one shape share their specs and the writer checks a shape once
 * (by identity) rather than once per row.
 */
final class ColumnSpecs {
  /** Past this many entries a cache is cleared: records that bring new schemas all the time. */
  private static final int MAX_ENTRIES = 10_000;

  private final Map<Schema, List<ColumnSpec>> bySchema = new IdentityHashMap<>();
  private final Map<String, ColumnSpec> byName = new HashMap<>();

  /**
   * The specs of the last few schemaless row shapes, found by the identity of the field name
   * strings (JSON parsers hand out one canonical string per field name), so that a row of a known
   * shape costs no lookups by name.
   */
  private final String[][] shapeNames = new String[4][];

  private final List<?>[] shapeSpecs = new List<?>[4];
  private int nextShape;

  /** The specs of the row's fields, in the row's order. */
  List<ColumnSpec> of(Row row) {
    if (row.struct() != null) {
      return ofSchema(row.struct().schema());
    }
    List<ColumnSpec> specs = knownShape(row.names());
    if (specs == null) {
      specs = List.copyOf(ofNames(row.names()));
      shapeNames[nextShape] = row.names();
      shapeSpecs[nextShape] = specs;
      nextShape = (nextShape + 1) % shapeNames.length;
    }
    return specs;
  }

  private List<ColumnSpec> ofSchema(Schema schema) {
    List<ColumnSpec> specs = bySchema.get(schema);
    if (specs == null) {
      if (bySchema.size() > MAX_ENTRIES) {
        bySchema.clear();
      }
      specs = schema.fields().stream().map(f -> ColumnSpec.of(f.name(), f.schema())).toList();
      bySchema.put(schema, specs);
    }
    return specs;
  }

  private List<ColumnSpec> ofNames(String[] names) {
    if (byName.size() > MAX_ENTRIES) {
      byName.clear();
    }
    ColumnSpec[] specs = new ColumnSpec[names.length];
    for (int i = 0; i < names.length; i++) {
      specs[i] = byName.computeIfAbsent(names[i], n -> new ColumnSpec(n, null, null));
    }
    return Arrays.asList(specs);
  }

  @SuppressWarnings("unchecked")
  private List<ColumnSpec> knownShape(String[] fieldNames) {
    for (int slot = 0; slot < shapeNames.length; slot++) {
      String[] known = shapeNames[slot];
      if (known != null && sameStrings(known, fieldNames)) {
        return (List<ColumnSpec>) shapeSpecs[slot];
      }
    }
    return null;
  }

  private static boolean sameStrings(String[] a, String[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
