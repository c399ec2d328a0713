package io.pgcdc.connector.common;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema-qualified table name. {@link #parse} reads the SQL form: {@code public.orders}, {@code
 * "My Schema"."Order ""Lines"""}; unquoted parts are folded to lower case as PostgreSQL does.
 */
public record TableId(String schema, String table) {
  public TableId {
    if (schema == null || schema.isEmpty() || table == null || table.isEmpty()) {
      throw new IllegalArgumentException("a table needs a schema and a name");
    }
  }

  /** The quoted SQL form, safe to put into a statement. */
  public String quoted() {
    return Identifiers.quote(schema) + "." + Identifiers.quote(table);
  }

  /** The unquoted dotted form for messages and topic names: {@code public.orders}. */
  @Override
  public String toString() {
    return schema + "." + table;
  }

  /**
   * Parses {@code table}, {@code schema.table} or quoted forms of either. A name without a schema
   * gets {@code defaultSchema}.
   */
  public static TableId parse(String text, String defaultSchema) {
    List<String> parts = splitQualified(text);
    return switch (parts.size()) {
      case 1 -> new TableId(defaultSchema, parts.get(0));
      case 2 -> new TableId(parts.get(0), parts.get(1));
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a table name: expected table or schema.table");
    };
  }

  /** Splits a dotted, possibly quoted SQL name into its parts. */
  static List<String> splitQualified(String text) {
    List<String> parts = new ArrayList<>();
    String s = text.trim();
    int i = 0;
    while (true) {
      StringBuilder part = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            throw new IllegalArgumentException("'" + text + "' has an unterminated quoted name");
          }
          char c = s.charAt(i++);
          if (c == '"') {
            if (i < s.length() && s.charAt(i) == '"') {
              part.append('"');
              i++;
            } else {
              break;
            }
          } else {
            part.append(c);
          }
        }
      } else {
        while (i < s.length() && s.charAt(i) != '.') {
          char c = s.charAt(i++);
          if (c == '"') {
            throw new IllegalArgumentException("'" + text + "' has a misplaced double quote");
          }
          part.append(Character.toLowerCase(c));
        }
        String trimmed = part.toString().strip();
        if (trimmed.isEmpty()) {
          throw new IllegalArgumentException("'" + text + "' has an empty name part");
        }
        part.setLength(0);
        part.append(trimmed);
      }
      parts.add(part.toString());
      if (i >= s.length()) {
        return parts;
      }
      if (s.charAt(i) != '.') {
        throw new IllegalArgumentException(
            "'" + text + "': expected '.' after a quoted name at position " + i);
      }
      i++;
    }
  }
}
