package io.pgcdc.connector.sink.change;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * A column as a record describes it: its name, the PostgreSQL type the producer declared (schema
 * parameter {@code pgcdc.type}, or Debezium's propagated source type; null when unknown) and the
 * Connect schema (null for schemaless records).
 */
public record ColumnSpec(String name, String pgType, Schema schema) {
  /** Our source's schema parameter with the column's PostgreSQL type as format_type() prints it. */
  public static final String PG_TYPE_PARAMETER = "pgcdc.type";

  public static ColumnSpec of(String name, Schema schema) {
    return new ColumnSpec(name, declaredType(schema), schema);
  }

  private static String declaredType(Schema schema) {
    Map<String, String> params = schema == null ? null : schema.parameters();
    if (params == null) {
      return null;
    }
    String type = params.get(PG_TYPE_PARAMETER);
    if (type != null) {
      return type;
    }
    // Debezium with column.propagate.source.type: the bare type name plus length and scale.
    String dbz = params.get("__debezium.source.column.type");
    if (dbz == null) {
      return null;
    }
    String name = dbz.toLowerCase(java.util.Locale.ROOT);
    String length = params.get("__debezium.source.column.length");
    String scale = params.get("__debezium.source.column.scale");
    boolean takesModifier =
        name.equals("numeric") || name.equals("varchar") || name.equals("bpchar");
    if (takesModifier && length != null && !length.equals("2147483647") && !length.equals("0")) {
      return name
          + "("
          + length
          + (scale != null && name.equals("numeric") ? "," + scale : "")
          + ")";
    }
    return name;
  }
}
