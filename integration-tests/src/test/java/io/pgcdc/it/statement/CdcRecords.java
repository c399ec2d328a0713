package io.pgcdc.it.statement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records as pgcdc's source writes them, in the JSON converter's form with schemas: a key struct
 * {@code id}, an envelope (before, after, source, op) whose row fields carry their PostgreSQL type
 * in the schema parameter {@code pgcdc.type}.
 */
final class CdcRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Name, Connect type, PostgreSQL type of each column; the first is the key {@code id}. */
  private final String[][] columns;

  CdcRecords(String[]... columns) {
    this.columns = columns;
  }

  String[] insert(Object... row) {
    return record("c", null, row(row));
  }

  String[] update(Object... row) {
    return record("u", null, row(row));
  }

  String[] delete(Object... before) {
    return record("d", row(before), null);
  }

  String[] tombstone(Object id) {
    return new String[] {key(id), null};
  }

  private String[] record(String op, Map<String, Object> before, Map<String, Object> after) {
    ObjectNode schema = struct("Envelope", false);
    ArrayNode fields = (ArrayNode) schema.get("fields");
    fields.add(rowSchema("before"));
    fields.add(rowSchema("after"));
    fields.add(primitive("op", "string", false, null));
    ObjectNode payload = JSON.createObjectNode();
    payload.set("before", JSON.valueToTree(before));
    payload.set("after", JSON.valueToTree(after));
    payload.put("op", op);
    Object id = (after != null ? after : before).get(columns[0][0]);
    return new String[] {key(id), wrap(schema, payload)};
  }

  private String key(Object id) {
    ObjectNode schema = struct("Key", false);
    ((ArrayNode) schema.get("fields")).add(primitive(columns[0][0], columns[0][1], false, null));
    ObjectNode payload = JSON.createObjectNode();
    payload.set(columns[0][0], JSON.valueToTree(id));
    return wrap(schema, payload);
  }

  private Map<String, Object> row(Object[] values) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < columns.length; i++) {
      row.put(columns[i][0], values[i]);
    }
    return row;
  }

  private ObjectNode rowSchema(String field) {
    ObjectNode row = struct("Value", true);
    row.put("field", field);
    for (int i = 0; i < columns.length; i++) {
      ((ArrayNode) row.get("fields"))
          .add(primitive(columns[i][0], columns[i][1], i > 0, columns[i][2]));
    }
    return row;
  }

  private static ObjectNode primitive(String name, String type, boolean optional, String pgType) {
    ObjectNode f = JSON.createObjectNode();
    f.put("type", type);
    f.put("optional", optional);
    f.put("field", name);
    if (pgType != null) {
      f.set("parameters", JSON.createObjectNode().put("pgcdc.type", pgType));
    }
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
}
