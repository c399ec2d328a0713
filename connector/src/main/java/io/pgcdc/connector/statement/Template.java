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
 * named parameters, read by {@link NamedParameters}, split into its statements. The SQL sent for a
 * record has a placeholder per parameter, cast to the PostgreSQL type the record's field declares
 * ({@code ?::numeric(10,2)}); one SQL text per combination of types, made once.
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
  private final List<String> statements;
  private final List<Parameter> parameters;

  /** The index in {@link #parameters} of statement i's first placeholder; one more at the end. */
  private final int[] firstParameter;

  private final Map<List<String>, List<String>> sqlByCasts = new HashMap<>();

  private Template(
      String setting,
      String text,
      List<String> statements,
      List<Parameter> parameters,
      int[] firstParameter) {
    this.setting = setting;
    this.text = text;
    this.statements = List.copyOf(statements);
    this.parameters = List.copyOf(parameters);
    this.firstParameter = firstParameter;
  }

  String setting() {
    return setting;
  }

  String text() {
    return text;
  }

  /** The parameter of each placeholder of all the statements, in order. */
  List<Parameter> parameters() {
    return parameters;
  }

  /** The index in {@link #parameters} of the first placeholder of statement {@code i}. */
  int firstParameter(int i) {
    return firstParameter[i];
  }

  /**
   * Reads the SQL of {@code setting}.
   *
   * @throws IllegalArgumentException for an unterminated literal or comment, an unknown parameter
   *     or no statement at all, naming the setting
   */
  static Template parse(String setting, String text) {
    List<String> statements;
    List<Parameter> parameters = new ArrayList<>();
    try {
      statements = NamedParameters.splitStatements(text);
      if (statements.isEmpty()) {
        throw new IllegalArgumentException("no SQL statement, only comments");
      }
      int[] first = new int[statements.size() + 1];
      for (int i = 0; i < statements.size(); i++) {
        first[i] = parameters.size();
        for (String name : NamedParameters.parse(statements.get(i)).names()) {
          parameters.add(Parameter.parse(name));
        }
      }
      first[statements.size()] = parameters.size();
      return new Template(setting, text, statements, parameters, first);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }

  /**
   * The SQL of each statement with a placeholder per parameter, cast to {@code casts[i]} (indexed
   * as {@link #parameters}) where that is not null.
   */
  List<String> sql(String[] casts) {
    List<String> key = new ArrayList<>(Arrays.asList(casts));
    List<String> sql = sqlByCasts.get(key);
    if (sql == null) {
      if (sqlByCasts.size() > 1_000) {
        sqlByCasts.clear(); // records that bring ever new types
      }
      List<String> made = new ArrayList<>();
      for (int s = 0; s < statements.size(); s++) {
        int first = firstParameter[s];
        made.add(NamedParameters.parse(statements.get(s), i -> key.get(first + i)).sql());
      }
      sql = List.copyOf(made);
      sqlByCasts.put(key, sql);
    }
    return sql;
  }

  /** The statements of the template, each on its own, as written. */
  List<String> statements() {
    return statements;
  }

  /** True when {@code type} may follow {@code ::} in the SQL. */
  static boolean isTypeName(String type) {
    return type.length() <= 200 && TYPE_NAME.matcher(type).matches();
  }
}
