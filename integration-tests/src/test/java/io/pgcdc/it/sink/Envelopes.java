package io.pgcdc.it.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds records as our source sends them, in the JSON converter's form with schemas ({@code
 * {"schema": ..., "payload": ...}}): a key struct of the primary key columns, an envelope with
 * before, after, source and op, every column schema carrying its PostgreSQL type in the parameter
 * pgcdc.type.
 */
final class Envelopes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A column: name, Connect type (int64, string, ...), PostgreSQL type, part of the key. */
  record Column(String name, String connectType, String pgType, boolean key) {}

  private final String schema;
  private final String table;
  private final List<Column> columns;

  Envelopes(String schema, String table, List<Column> columns) {
    this.schema = schema;
    this.table = table;
    this.columns = List.copyOf(columns);
  }

  /** Records of {@code public.table}. */
  static Envelopes inPublic(String table, Column... columns) {
    return new Envelopes("public", table, List.of(columns));
  }

  static Column key(String name, String connectType, String pgType) {
    return new Column(name, connectType, pgType, true);
  }

  static Column column(String name, String connectType, String pgType) {
    return new Column(name, connectType, pgType, false);
  }

  /** Key and value of an insert (op c). */
  String[] insert(Map<String, Object> row) {
    return record("c", null, row, Set.of());
  }

  String[] update(Map<String, Object> row) {
    return record("u", null, row, Set.of());
  }

  /** An update whose {@code unchanged} columns were unchanged TOAST values: left out of after. */
  String[] toastUpdate(Map<String, Object> row, Set<String> unchanged) {
    return record("u", null, row, unchanged);
  }

  String[] delete(Map<String, Object> before) {
    return record("d", before, null, Set.of());
  }

  /**
   * The create of a key change as our source sends it: the old row in {@code before}, the {@code
   * unchanged} columns left out of after.
   */
  String[] keyChangeCreate(
      Map<String, Object> before, Map<String, Object> after, Set<String> unchanged) {
    return record("c", before, after, unchanged);
  }

  /** The tombstone that follows a delete. */
  String[] tombstone(Map<String, Object> keyValues) {
    return new String[] {key(keyValues), null};
  }

  String key(Map<String, Object> row) {
    ObjectNode keySchema = struct(table + ".Key", false);
    ObjectNode payload = JSON.createObjectNode();
    for (Column c : columns) {
      if (c.key()) {
        ((ArrayNode) keySchema.get("fields")).add(field(c, false));
        payload.set(c.name(), JSON.valueToTree(row.get(c.name())));
      }
    }
    return wrap(keySchema, payload);
  }

  private String[] record(
      String op, Map<String, Object> before, Map<String, Object> after, Set<String> unchanged) {
    Map<String, Object> keyRow = after != null ? after : before;
    ObjectNode envelope = struct(table + ".Envelope", false);
    ArrayNode fields = (ArrayNode) envelope.get("fields");
    fields.add(rowSchema("before", Set.of()));
    fields.add(rowSchema("after", unchanged));
    ObjectNode source = struct("io.pgcdc.connector.source.Source", false);
    source.put("field", "source");
    ArrayNode sourceFields = (ArrayNode) source.get("fields");
    sourceFields.add(primitive("schema", "string", true));
    sourceFields.add(primitive("table", "string", true));
    ObjectNode unchangedField = JSON.createObjectNode();
    unchangedField.put("field", "unchanged_toast_columns");
    unchangedField.put("type", "array");
    unchangedField.put("optional", true);
    unchangedField.set(
        "items", JSON.createObjectNode().put("type", "string").put("optional", false));
    sourceFields.add(unchangedField);
    fields.add(source);
    fields.add(primitive("op", "string", false));
    fields.add(primitive("ts_ms", "int64", true));

    ObjectNode payload = JSON.createObjectNode();
    payload.set("before", before == null ? null : rowPayload(before, Set.of()));
    payload.set("after", after == null ? null : rowPayload(after, unchanged));
    ObjectNode sourcePayload = JSON.createObjectNode().put("schema", schema).put("table", table);
    sourcePayload.set(
        "unchanged_toast_columns",
        unchanged.isEmpty() ? null : JSON.valueToTree(new ArrayList<>(unchanged)));
    payload.set("source", sourcePayload);
    payload.put("op", op);
    payload.put("ts_ms", 1_700_000_000_000L);
    return new String[] {key(keyRow), wrap(envelope, payload)};
  }

  private ObjectNode rowSchema(String fieldName, Set<String> leftOut) {
    ObjectNode row = struct(table + ".Value", true);
    row.put("field", fieldName);
    for (Column c : columns) {
      if (!leftOut.contains(c.name())) {
        ((ArrayNode) row.get("fields")).add(field(c, !c.key()));
      }
    }
    return row;
  }

  private ObjectNode rowPayload(Map<String, Object> row, Set<String> leftOut) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Column c : columns) {
      if (!leftOut.contains(c.name())) {
        values.put(c.name(), row.get(c.name()));
      }
    }
    return JSON.valueToTree(values);
  }

  private static ObjectNode field(Column c, boolean optional) {
    ObjectNode f = primitive(c.name(), c.connectType(), optional);
    f.set("parameters", JSON.createObjectNode().put("pgcdc.type", c.pgType()));
    return f;
  }

  private static ObjectNode primitive(String name, String type, boolean optional) {
    ObjectNode f = JSON.createObjectNode();
    f.put("type", type);
    f.put("optional", optional);
    f.put("field", name);
    return f;
  }

  private static ObjectNode struct(String name, boolean optional) {
    ObjectNode s = JSON.createObjectNode();
    s.put("type", "struct");
    s.put("optional", optional);
    s.put("name", name);
    s.set("fields", JSON.createArrayNode());
    return s;
  }

  private static String wrap(ObjectNode schema, ObjectNode payload) {
    ObjectNode root = JSON.createObjectNode();
    root.set("schema", schema);
    root.set("payload", payload);
    return root.toString();
  }

  /** A map with null values allowed, in the given order. */
  static Map<String, Object> row(Object... namesAndValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      row.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return row;
  }
}
