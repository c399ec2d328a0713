package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The statements of a batch write, built as strings from quoted identifiers and the target's column
 * types; every value goes in as a parameter (key texts as {@code text[]} arrays) or as COPY data.
 */
final class Sql {
  private Sql() {}

  static String truncateTable(Table table) {
    return "TRUNCATE TABLE " + table.id().quoted();
  }

  /** Empties a staging table used before in the same transaction. */
  static String truncateStaging(String stage) {
    return "TRUNCATE " + stage;
  }

  static String copyIn(String target, List<String> names) {
    return "COPY " + target + " (" + quotedList(names) + ") FROM STDIN";
  }

  /** Deletes the rows whose key is in the parameters: one {@code text[]} per key column. */
  static String deleteByKeys(Table table, List<String> keyNames) {
    return "DELETE FROM "
        + table.id().quoted()
        + " AS t USING unnest("
        + keyArrays(keyNames.size())
        + ") AS d("
        + keyAliases(keyNames.size())
        + ") WHERE "
        + keyMatches(table, keyNames);
  }

  /**
   * The positions (1-based) of the keys in the parameters (one {@code text[]} per key column) that
   * the table holds: a probe of the key's index per key.
   */
  static String existingKeys(Table table, List<String> keyNames) {
    return "SELECT d.ord FROM unnest("
        + keyArrays(keyNames.size())
        + ") WITH ORDINALITY AS d("
        + keyAliases(keyNames.size())
        + ", ord) WHERE EXISTS (SELECT 1 FROM "
        + table.id().quoted()
        + " AS t WHERE "
        + keyMatches(table, keyNames)
        + ")";
  }

  /**
   * The table's largest key: one probe of the key's index. (max() is planned as that probe; an
   * EXISTS of {@code key >= min} may be planned as a scan of the table, while its statistics are
   * those of an empty table that is being filled.)
   */
  static String maxKey(Table table, String key) {
    return "SELECT max(" + Identifiers.quote(key) + ") FROM " + table.id().quoted();
  }

  /**
   * Writes the staged rows into the table as the insert mode says: INSERT (appends, or rows with
   * new keys), INSERT ... ON CONFLICT (upsert; DO NOTHING when only key columns are present), or
   * UPDATE ... FROM (update; null when only key columns are present: nothing to update).
   */
  static String writeStatement(
      Table table, String stage, List<String> names, int keyCount, InsertMode mode) {
    List<String> keyNames = names.subList(0, keyCount);
    List<String> valueNames = names.subList(keyCount, names.size());
    String target = table.id().quoted();
    if (mode == InsertMode.UPDATE) {
      if (valueNames.isEmpty()) {
        return null;
      }
      return "UPDATE "
          + target
          + " AS t SET "
          + assignments(valueNames, "s.")
          + " FROM "
          + stage
          + " AS s WHERE "
          + keyNames.stream()
              .map(n -> "t." + Identifiers.quote(n) + " = s." + Identifiers.quote(n))
              .collect(Collectors.joining(" AND "));
    }
    String cols = quotedList(names);
    String insert = "INSERT INTO " + target + " (" + cols + ") SELECT " + cols + " FROM " + stage;
    if (mode != InsertMode.UPSERT || keyCount == 0) {
      return insert;
    }
    return insert
        + " ON CONFLICT ("
        + quotedList(keyNames)
        + ") DO "
        + (valueNames.isEmpty() ? "NOTHING" : "UPDATE SET " + assignments(valueNames, "EXCLUDED."));
  }

  /**
   * A temporary staging table {@code name} with the target's columns {@code names} (their types)
   * and then {@code textColumns} of type text; emptied at each commit.
   */
  static String createStaging(
      String name, Table table, List<String> names, List<String> textColumns) {
    List<String> columns = new ArrayList<>(names.size() + textColumns.size());
    for (String n : names) {
      Column column = table.columns().get(n);
      columns.add(Identifiers.quote(column.name()) + " " + column.type());
    }
    for (String text : textColumns) {
      columns.add(Identifiers.quote(text) + " text");
    }
    return "CREATE TEMP TABLE "
        + name
        + " ("
        + String.join(", ", columns)
        + ") ON COMMIT DELETE ROWS";
  }

  static String dropStaging(String name) {
    return "DROP TABLE IF EXISTS " + name;
  }

  static String quotedList(List<String> names) {
    return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
  }

  private static String assignments(List<String> names, String from) {
    return names.stream()
        .map(n -> Identifiers.quote(n) + " = " + from + Identifiers.quote(n))
        .collect(Collectors.joining(", "));
  }

  private static String keyArrays(int keys) {
    return String.join(", ", java.util.Collections.nCopies(keys, "?::text[]"));
  }

  private static String keyAliases(int keys) {
    List<String> aliases = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      aliases.add(Identifiers.quote("k" + i));
    }
    return String.join(", ", aliases);
  }

  /** {@code t}'s key columns equal the unnested key texts {@code d}, cast to the columns' types. */
  private static String keyMatches(Table table, List<String> keyNames) {
    List<String> terms = new ArrayList<>(keyNames.size());
    for (int i = 0; i < keyNames.size(); i++) {
      String name = keyNames.get(i);
      terms.add(
          "t."
              + Identifiers.quote(name)
              + " = d."
              + Identifiers.quote("k" + i)
              + "::"
              + table.columns().get(name).type());
    }
    return String.join(" AND ", terms);
  }
}
