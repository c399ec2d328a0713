package io.pgcdc.connector.source.signal;

/**
 * The first check of a row condition, before PostgreSQL plans it: one expression, so that it cannot
 * end the {@code WHERE} it is put into. Outside string literals, quoted names and dollar quotes it
 * has balanced parentheses, no semicolon and no comment. PostgreSQL then checks that it is a
 * boolean expression on the table ({@link SignalChecks#condition}).
 */
final class ConditionText {
  private ConditionText() {}

  /** Null when {@code text} passes; else what is wrong with it. */
  static String problem(String text) {
    if (text.isBlank()) {
      return "it is empty";
    }
    int depth = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\'') {
        // E'...' takes backslash escapes; xe'...' is a name, then a string.
        boolean escapes =
            i > 0
                && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e')
                && !(i > 1 && identifierChar(text.charAt(i - 2)));
        i = endOfQuoted(text, i + 1, '\'', escapes);
        if (i < 0) {
          return "a string literal is not closed";
        }
      } else if (c == '"') {
        i = endOfQuoted(text, i + 1, '"', false);
        if (i < 0) {
          return "a quoted name is not closed";
        }
      } else if (c == '$'
          && !(i > 0 && identifierChar(text.charAt(i - 1)))
          && dollarTag(text, i) != null) {
        String tag = dollarTag(text, i);
        int end = text.indexOf(tag, i + tag.length());
        if (end < 0) {
          return "a dollar-quoted string is not closed";
        }
        i = end + tag.length();
      } else if (c == ';') {
        return "it has a semicolon: give one expression, not statements";
      } else if (text.startsWith("--", i) || text.startsWith("/*", i)) {
        return "it has a comment";
      } else if (c == '(') {
        depth++;
        i++;
      } else if (c == ')') {
        if (--depth < 0) {
          return "a closing parenthesis has no opening one";
        }
        i++;
      } else {
        i++;
      }
    }
    return depth == 0 ? null : "a parenthesis is not closed";
  }

  /** Whether {@code c} may continue a name ($ may: a$b$ is a name, not a dollar quote). */
  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** The index after the closing quote (a doubled quote is one character); -1 when none. */
  private static int endOfQuoted(String text, int from, char quote, boolean backslashEscapes) {
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return -1;
  }

  /** The dollar-quote tag ($$ or $name$) starting at {@code i}, or null (a parameter $1, say). */
  private static String dollarTag(String text, int i) {
    int j = i + 1;
    while (j < text.length()
        && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
      j++;
    }
    if (j >= text.length() || text.charAt(j) != '$') {
      return null;
    }
    String name = text.substring(i + 1, j);
    if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
      return null;
    }
    return text.substring(i, j + 1);
  }
}
