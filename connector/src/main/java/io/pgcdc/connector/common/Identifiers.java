package io.pgcdc.connector.common;

/** Quoting of SQL identifiers, the one place where names are put into SQL text. */
public final class Identifiers {
  private Identifiers() {}

  /**
   * Quotes an identifier as PostgreSQL requires: wrapped in double quotes, with every double quote
   * inside doubled. Rejects a NUL character, which PostgreSQL cannot store in a name.
   */
  public static String quote(String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      throw new IllegalArgumentException("an SQL identifier must not be empty");
    }
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "an SQL identifier must not contain a NUL character: '"
              + identifier.replace("\0", "\\0")
              + "'");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Quotes a string literal for the few places where a parameter cannot be used (DDL). */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a string literal must not contain a NUL character");
    }
    return "'" + value.replace("'", "''") + "'";
  }
}
