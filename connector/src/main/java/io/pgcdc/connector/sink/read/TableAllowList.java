package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which tables the sink may write ({@code table.allow.list}), checked before any SQL touches a
 * table: a record names its own target through {@code table.name.format}, so without this any
 * producer to the topic could write into any table the sink's user may write. Entries are {@code
 * schema.table} with SQL quoting, where {@code *} matches any characters of a name ({@code
 * audit.*}, {@code public.orders_*}), or {@code *} alone for every table. A schema written with
 * {@code *} never matches a system schema. With no entries, only the tables of one schema are
 * allowed: the schema the template names literally, else {@code public}.
 */
public final class TableAllowList {
  /** One entry: a pattern for the schema and one for the table. */
  private record Entry(String text, Pattern schema, Pattern table, boolean wildSchema) {
    boolean matches(TableId id) {
      if (wildSchema && isSystemSchema(id.schema())) {
        return false;
      }
      return schema.matcher(id.schema()).matches() && table.matcher(id.table()).matches();
    }
  }

  private final List<Entry> entries;

  /** The schema allowed when there are no entries. */
  private final String defaultSchema;

  /** Whether the template names that schema (else the record could choose). */
  private final boolean literal;

  private TableAllowList(List<Entry> entries, String literalSchema) {
    this.entries = entries;
    this.literal = literalSchema != null;
    this.defaultSchema = literal ? literalSchema : TableNameTemplate.DEFAULT_SCHEMA;
  }

  /** Parses the entries; throws {@link ConfigException} naming the setting and the bad entry. */
  public static TableAllowList of(List<String> entries, TableNameTemplate template) {
    return new TableAllowList(
        entries.stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(TableAllowList::entry)
            .toList(),
        template.literalSchema());
  }

  /** Checks one entry, for the setting's validator. */
  public static void check(String text) {
    if (!text.isBlank()) {
      entry(text.trim());
    }
  }

  private static Entry entry(String text) {
    if (text.equals("*")) {
      return new Entry(text, Pattern.compile(".*"), Pattern.compile(".*"), true);
    }
    TableId id;
    try {
      id = TableId.parse(text, "\0");
    } catch (IllegalArgumentException e) {
      throw invalid(text, e.getMessage());
    }
    if (id.schema().equals("\0")) {
      throw invalid(text, "it is not schema-qualified: write schema.table, schema.* or *");
    }
    return new Entry(text, glob(id.schema()), glob(id.table()), id.schema().indexOf('*') >= 0);
  }

  private static ConfigException invalid(String text, String why) {
    return new ConfigException(PostgresSinkConfig.TABLE_ALLOW_LIST_CONFIG, text, why);
  }

  private static Pattern glob(String name) {
    List<String> pieces =
        Arrays.stream(name.split("\\*", -1)).map(p -> p.isEmpty() ? "" : Pattern.quote(p)).toList();
    return Pattern.compile(String.join(".*", pieces), Pattern.DOTALL);
  }

  public boolean allows(TableId id) {
    if (entries.isEmpty()) {
      return id.schema().equals(defaultSchema);
    }
    for (Entry entry : entries) {
      if (entry.matches(id)) {
        return true;
      }
    }
    return false;
  }

  /** Why a table is not allowed, and the setting that allows it. */
  public String rejection(TableId id) {
    String scope =
        entries.isEmpty()
            ? "table.allow.list is empty, so records may only go to schema "
                + defaultSchema
                + (literal
                    ? ", which table.name.format names"
                    : " (table.name.format lets the record or topic choose the schema)")
            : "it matches no entry of table.allow.list "
                + entries.stream().map(Entry::text).toList();
    return "the target table "
        + id
        + " is not allowed: "
        + scope
        + "; to write there, add "
        + id.quoted()
        + " or "
        + Identifiers.quote(id.schema())
        + ".* to table.allow.list";
  }

  private static boolean isSystemSchema(String schema) {
    return schema.equals("pg_catalog")
        || schema.equals("information_schema")
        || schema.startsWith("pg_toast")
        || schema.startsWith("pg_temp");
  }
}
