package io.pgcdc.connector.source.catalog;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * One entry of {@code table.include.list}: a table ({@code public.orders}), every table of a schema
 * ({@code public.*}) or every table of every non-system schema ({@code *}).
 *
 * @param schema the schema, or null for every non-system schema
 * @param table the table, or null for every table of the schema
 */
public record TableSelector(String schema, String table) {

  public static TableSelector parse(String setting, String text) {
    String s = text.trim();
    if (s.equals("*")) {
      return new TableSelector(null, null);
    }
    try {
      if (s.endsWith(".*")) {
        List<String> parts = TableIdParts.split(s.substring(0, s.length() - 2));
        if (parts.size() != 1) {
          throw new IllegalArgumentException("'" + s + "': expected schema.*");
        }
        return new TableSelector(parts.get(0), null);
      }
      if (TableIdParts.split(s).size() != 2) {
        throw new IllegalArgumentException(
            "'" + s + "' is not schema-qualified: write schema.table, schema.* or *");
      }
      TableId id = TableId.parse(s, "public");
      return new TableSelector(id.schema(), id.table());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, text, e.getMessage());
    }
  }

  public boolean matches(TableId id) {
    if (schema == null) {
      return !isSystemSchema(id.schema());
    }
    return schema.equals(id.schema()) && (table == null || table.equals(id.table()));
  }

  /**
   * The entries of {@code selectors} that are patterns ({@code schema.*}, {@code *}) matching none
   * of {@code tables}: a schema without tables, or a misspelt one.
   */
  public static List<TableSelector> unmatchedPatterns(
      List<TableSelector> selectors, List<TableId> tables) {
    return selectors.stream()
        .filter(sel -> sel.table() == null && tables.stream().noneMatch(sel::matches))
        .toList();
  }

  /** What an unmatched pattern means, and what to do. */
  public String matchesNothing() {
    return "'"
        + text()
        + "' in "
        + PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG
        + " matches no table"
        + (schema == null
            ? ": the database has no tables outside the system schemas"
            : ": schema " + Identifiers.quote(schema) + " has no tables, or does not exist")
        + ". Create the tables first, or correct or remove the entry";
  }

  /** The entry in the unquoted dotted form of messages: {@code public.*}, {@code *}. */
  String text() {
    if (schema == null) {
      return "*";
    }
    return table == null ? schema + ".*" : new TableId(schema, table).toString();
  }

  static boolean isSystemSchema(String schema) {
    return schema.equals("pg_catalog")
        || schema.equals("information_schema")
        || schema.startsWith("pg_toast")
        || schema.startsWith("pg_temp");
  }

  /** Splits a dotted, possibly quoted name with {@link TableId}'s rules. */
  private static final class TableIdParts {
    static List<String> split(String text) {
      // TableId.parse accepts one or two parts; three or more fail there with a clear message.
      TableId id = TableId.parse(text, "\0");
      return id.schema().equals("\0") ? List.of(id.table()) : List.of(id.schema(), id.table());
    }
  }
}
