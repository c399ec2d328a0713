package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.NamedParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A statement template: the user's SQL (one statement or several separated by {@code ;}) with its
 * named parameters, read by {@link NamedParameters}. The SQL sent for a record has a placeholder
 * per parameter, cast to the PostgreSQL type the record's field declares ({@code
 * ?::numeric(10,2)}); one SQL text per combination of types, made once.
 */
final class Template {
  /**
   * A type name as format_type() prints it ({@code integer}, {@code character varying(20)}, {@code
   * timestamp(3) with time zone}, {@code public."My type"[]}): names, a numeric modifier, array
   * brackets. Nothing else may follow {@code ::}, since a schema parameter comes from the record.
   */
  private static final Pattern TYPE_NAME =
      Pattern.compile(
          "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"\\x00]|\"\")+\")"
              + "(?:\\.(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"\\x00]|\"\")+\"))?"
              + "(?: [A-Za-z_][A-Za-z0-9_]*)*"
              + "(?:\\(\\d+(?:, ?\\d+)?\\))?"
              + "(?: [A-Za-z_][A-Za-z0-9_]*)*"
              + "(?:\\[\\d*\\])*");

  /** The setting the SQL came from, for messages. */
  private final String setting;

  private final String text;
  private final List<Parameter> parameters;
  private final Map<List<String>, String> sqlByCasts = new HashMap<>();

  private Template(String setting, String text, List<Parameter> parameters) {
    this.setting = setting;
    this.text = text;
    this.parameters = List.copyOf(parameters);
  }

  String setting() {
    return setting;
  }

  String text() {
    return text;
  }

  /** The parameter of each placeholder, in order. */
  List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Reads the SQL of {@code setting}.
   *
   * @throws IllegalArgumentException for an unterminated literal or comment, or an unknown
   *     parameter, naming the setting
   */
  static Template parse(String setting, String text) {
    NamedParameters parsed;
    try {
      parsed = NamedParameters.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
    List<Parameter> parameters = new ArrayList<>();
    for (String name : parsed.names()) {
      try {
        parameters.add(Parameter.parse(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
      }
    }
    return new Template(setting, text, parameters);
  }

  /** The SQL with a placeholder per parameter, cast to {@code casts[i]} where that is not null. */
  String sql(String[] casts) {
    List<String> key = new ArrayList<>(Arrays.asList(casts));
    String sql = sqlByCasts.get(key);
    if (sql == null) {
      if (sqlByCasts.size() > 1_000) {
        sqlByCasts.clear(); // records that bring ever new types
      }
      sql = NamedParameters.parse(text, i -> key.get(i)).sql();
      sqlByCasts.put(key, sql);
    }
    return sql;
  }

  /** The statements of the template, each on its own, for validation. */
  List<String> statements() {
    return NamedParameters.splitStatements(text);
  }

  /** True when {@code type} may follow {@code ::} in the SQL. */
  static boolean isTypeName(String type) {
    return type.length() <= 200 && TYPE_NAME.matcher(type).matches();
  }
}
