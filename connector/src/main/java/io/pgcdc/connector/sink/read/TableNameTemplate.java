package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.TableId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The target table template ({@code table.name.format}): literal text and the placeholders {@code
 * ${topic}}, {@code ${source.schema}}, {@code ${source.table}}, {@code ${key.FIELD}} and {@code
 * ${value.FIELD}}.
 */
public final class TableNameTemplate {
  /** NAMEDATALEN - 1: the longest identifier PostgreSQL keeps. */
  static final int MAX_NAME_BYTES = 63;

  static final String DEFAULT_SCHEMA = "public";

  /** A piece of the template: literal text, or a placeholder name such as {@code key.id}. */
  private record Part(String text, boolean placeholder) {}

  private final String format;
  private final List<Part> parts;
  private final boolean constant;
  private final boolean topicOnly;
  private final boolean needsValue;

  private TableNameTemplate(String format, List<Part> parts) {
    this.format = format;
    this.parts = parts;
    this.constant = parts.stream().noneMatch(Part::placeholder);
    this.topicOnly = parts.stream().allMatch(p -> !p.placeholder() || p.text().equals("topic"));
    this.needsValue =
        parts.stream()
            .anyMatch(
                p ->
                    p.placeholder()
                        && (p.text().startsWith("value.") || p.text().startsWith("source.")));
  }

  /** Parses a template; throws {@link IllegalArgumentException} naming an unknown placeholder. */
  public static TableNameTemplate parse(String format) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < format.length()) {
      int open = format.indexOf("${", i);
      if (open < 0) {
        parts.add(new Part(format.substring(i), false));
        break;
      }
      if (open > i) {
        parts.add(new Part(format.substring(i, open), false));
      }
      int close = format.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException(
            "table.name.format '" + format + "' has an unclosed '${' at position " + open);
      }
      String name = format.substring(open + 2, close).trim();
      boolean known =
          name.equals("topic")
              || name.equals("source.schema")
              || name.equals("source.table")
              || (name.startsWith("key.") && name.length() > 4)
              || (name.startsWith("value.") && name.length() > 6);
      if (!known) {
        throw new IllegalArgumentException(
            "table.name.format '"
                + format
                + "' has the unknown placeholder ${"
                + name
                + "}: use ${topic}, ${source.schema}, ${source.table}, ${key.FIELD} or"
                + " ${value.FIELD}");
      }
      parts.add(new Part(name, true));
      i = close + 1;
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("table.name.format must not be empty");
    }
    return new TableNameTemplate(format, List.copyOf(parts));
  }

  public String format() {
    return format;
  }

  /** True when the template has no placeholder: every record goes to one table. */
  public boolean isConstant() {
    return constant;
  }

  /** True when the table depends on nothing but the topic (so it can be cached per topic). */
  boolean dependsOnTopicOnly() {
    return topicOnly;
  }

  /**
   * The schema every rendered name has because the template writes it out before any placeholder
   * ({@code archive} in {@code archive.${source.table}}, {@code public} for {@code orders}), or
   * null when a placeholder can choose it ({@code ${source.schema}.${source.table}}, {@code
   * ${topic}}, or a malformed name that no record can fill).
   */
  String literalSchema() {
    Part first = parts.get(0);
    if (first.placeholder()) {
      return null;
    }
    try {
      boolean quoted = false;
      for (int i = 0; i < first.text().length(); i++) {
        char c = first.text().charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '.' && !quoted) {
          return parseName(first.text().substring(0, i) + ".t").schema();
        }
      }
      return constant ? toTableId(format).schema() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** True when a record without a value (a tombstone) cannot be routed. */
  boolean needsValue() {
    return needsValue;
  }

  /**
   * Fills the placeholders through {@code lookup} (placeholder name to text; it throws when the
   * record lacks the value) and reads the result as a table name.
   */
  TableId render(Function<String, String> lookup) {
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      sb.append(part.placeholder() ? lookup.apply(part.text()) : part.text());
    }
    return toTableId(sb.toString());
  }

  /**
   * Reads a rendered name: {@code table} (schema public) or {@code schema.table}, case kept. A name
   * with double quotes follows the SQL rules instead (quoted parts may contain dots, unquoted parts
   * are folded to lower case).
   */
  public static TableId toTableId(String name) {
    TableId id = parseName(name);
    for (String part : List.of(id.schema(), id.table())) {
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        // PostgreSQL would silently cut the name to 63 bytes: another table than the one named.
        throw new IllegalArgumentException(
            "the name '"
                + part
                + "' is longer than PostgreSQL's limit of "
                + MAX_NAME_BYTES
                + " bytes, which would cut it; shorten it (topic.regex and topic.replacement)");
      }
    }
    return id;
  }

  private static TableId parseName(String name) {
    if (name.indexOf('"') >= 0) {
      return TableId.parse(name, DEFAULT_SCHEMA);
    }
    String[] pieces = name.split("\\.", -1);
    for (String piece : pieces) {
      if (piece.isEmpty()) {
        throw new IllegalArgumentException(
            "the table name '" + name + "' has an empty part; expected table or schema.table");
      }
    }
    return switch (pieces.length) {
      case 1 -> new TableId(DEFAULT_SCHEMA, pieces[0]);
      case 2 -> new TableId(pieces[0], pieces[1]);
      default ->
          throw new IllegalArgumentException(
              "the table name '"
                  + name
                  + "' has "
                  + pieces.length
                  + " dot-separated parts; expected table or schema.table (use topic.regex and"
                  + " topic.replacement to shorten a topic name)");
    };
  }

  @Override
  public String toString() {
    return format;
  }
}
