package io.pgcdc.connector.common;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text with named parameters ({@code :name}, {@code :value.field}) turned into JDBC's {@code ?}
 * placeholders, so that values are always bound, never spliced. Follows PostgreSQL's lexical rules
 * so that nothing inside a literal or comment is taken for a parameter: quoted strings ({@code
 * 'it''s'}), escape strings ({@code E'\''}), quoted identifiers, dollar-quoted bodies ({@code $fn$
 * ... $fn$}), line and nested block comments, and {@code ::} casts. A {@code ?} of the text (the
 * jsonb operators {@code ?}, {@code ?|}, {@code ?&}) is doubled, which is how the JDBC driver reads
 * a literal question mark.
 *
 * @param sql the text for {@link java.sql.Connection#prepareStatement(String)}
 * @param names the parameter of each placeholder, in order (a name used twice is listed twice)
 */
public record NamedParameters(String sql, List<String> names, int[] marks) {
  public NamedParameters {
    names = List.copyOf(names);
    marks = marks.clone();
  }

  /**
   * Where a 1-based position in the text the server received (which a server error reports) is in
   * the text that was parsed. The JDBC driver sends placeholder k as {@code $k} and a doubled
   * question mark as one, so the two differ after each parameter.
   */
  public int sourcePosition(int position) {
    int shift = 0;
    for (int i = 0; i + 1 < marks.length && marks[i] < position; i += 2) {
      shift = marks[i + 1];
    }
    return position + shift;
  }

  /** "line L, column C" of a 1-based position of the parsed text {@code text}. */
  public static String lineAndColumn(String text, int position) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(position - 1, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "line " + line + ", column " + column;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException for an unterminated literal, identifier or comment, saying
   *     where it starts
   */
  public static NamedParameters parse(String text) {
    return new Scanner(text, i -> null).scan();
  }

  /**
   * Parses {@code text} and writes {@code ?::TYPE} for placeholder {@code i} (from 0) when {@code
   * castOf} gives a type for it; the caller checks that the type is a type name.
   */
  public static NamedParameters parse(String text, java.util.function.IntFunction<String> castOf) {
    return new Scanner(text, castOf).scan();
  }

  /**
   * The statements of a script, separated by semicolons outside literals and comments; a piece with
   * nothing but comments and white space is no statement.
   */
  public static List<String> splitStatements(String text) {
    Scanner scanner = new Scanner(text, i -> null);
    scanner.scan();
    scanner.semicolons.add(text.length());
    List<String> statements = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < scanner.semicolons.size(); i++) {
      int end = scanner.semicolons.get(i);
      if (scanner.hasCode.get(i)) {
        statements.add(text.substring(start, end).strip());
      }
      start = end + 1;
    }
    return statements;
  }

  private static final class Scanner {
    private final String text;
    private final java.util.function.IntFunction<String> castOf;
    private final StringBuilder out;
    private final List<String> names = new ArrayList<>();

    /**
     * Pairs (position in the driver's text after which, shift to the input position from there).
     */
    private final List<Integer> marks = new ArrayList<>();

    /** Length of the text the driver sends for the output so far. */
    private int driverLength;

    private final List<Integer> semicolons = new ArrayList<>();

    /** For each piece that a semicolon ends, and the last: whether it has more than comments. */
    private final List<Boolean> hasCode = new ArrayList<>();

    private boolean code;
    private int pos;

    Scanner(String text, java.util.function.IntFunction<String> castOf) {
      this.text = text;
      this.castOf = castOf;
      this.out = new StringBuilder(text.length() + 16);
    }

    NamedParameters scan() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        boolean comment = (c == '-' && next() == '-') || (c == '/' && next() == '*');
        if (!comment && c != ';' && !Character.isWhitespace(c)) {
          code = true;
        }
        if (c == '\'') {
          boolean escapes =
              pos > 0
                  && (text.charAt(pos - 1) == 'E' || text.charAt(pos - 1) == 'e')
                  && !identifierChar(pos - 2);
          quoted('\'', escapes, "string literal");
        } else if (c == '"') {
          quoted('"', false, "quoted identifier");
        } else if (c == '-' && next() == '-') {
          lineComment();
        } else if (c == '/' && next() == '*') {
          blockComment();
        } else if (c == '$' && dollarTagEnd() > 0) {
          dollarQuoted(dollarTagEnd());
        } else if (c == ':' && next() == ':') {
          copy(2);
        } else if (c == ':' && identifierStart(pos + 1) && !identifierChar(pos - 1)) {
          parameter();
        } else if (c == '?') {
          out.append("??");
          pos++;
          driverLength++;
          mark();
        } else {
          if (c == ';') {
            semicolons.add(pos);
            hasCode.add(code);
            code = false;
          }
          copy(1);
        }
      }
      hasCode.add(code);
      return new NamedParameters(
          out.toString(), names, marks.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Records that what follows the driver's text so far comes from input position pos on. */
    private void mark() {
      marks.add(driverLength);
      marks.add(pos - driverLength);
    }

    private char next() {
      return pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
    }

    private void copy(int n) {
      out.append(text, pos, pos + n);
      pos += n;
      driverLength += n;
    }

    /** A literal or identifier in {@code quote}; a doubled quote stands for one. */
    private void quoted(char quote, boolean backslashEscapes, String what) {
      int start = pos;
      int i = pos + 1;
      while (true) {
        if (i >= text.length()) {
          throw unterminated(what, start);
        }
        char c = text.charAt(i);
        if (backslashEscapes && c == '\\') {
          i += 2;
        } else if (c == quote && i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2;
        } else if (c == quote) {
          break;
        } else {
          i++;
        }
      }
      copy(i + 1 - pos);
    }

    private void lineComment() {
      int end = text.indexOf('\n', pos);
      copy((end < 0 ? text.length() : end) - pos);
    }

    /** A block comment; PostgreSQL nests them. */
    private void blockComment() {
      int start = pos;
      int depth = 0;
      int i = pos;
      do {
        if (i + 1 >= text.length()) {
          throw unterminated("comment", start);
        }
        if (text.charAt(i) == '/' && text.charAt(i + 1) == '*') {
          depth++;
          i += 2;
        } else if (text.charAt(i) == '*' && text.charAt(i + 1) == '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      } while (depth > 0);
      copy(i - pos);
    }

    /**
     * Where the tag of a dollar quote starting at {@code pos} ends (just after its second {@code
     * $}), or -1: {@code $1} is a positional parameter, and {@code a$b} part of an identifier.
     */
    private int dollarTagEnd() {
      if (identifierChar(pos - 1)) {
        return -1;
      }
      int i = pos + 1;
      if (i < text.length() && Character.isDigit(text.charAt(i))) {
        return -1;
      }
      while (i < text.length() && text.charAt(i) != '$') {
        if (!identifierChar(i)) {
          return -1;
        }
        i++;
      }
      return i < text.length() ? i + 1 : -1;
    }

    private void dollarQuoted(int tagEnd) {
      String tag = text.substring(pos, tagEnd);
      int close = text.indexOf(tag, tagEnd);
      if (close < 0) {
        throw unterminated("dollar-quoted string " + tag, pos);
      }
      copy(close + tag.length() - pos);
    }

    private void parameter() {
      int i = pos + 1;
      while (i < text.length()
          && (identifierChar(i) || (text.charAt(i) == '.' && identifierStart(i + 1)))) {
        i++;
      }
      String cast = castOf.apply(names.size());
      names.add(text.substring(pos + 1, i));
      out.append('?');
      if (cast != null) {
        out.append("::").append(cast);
      }
      pos = i;
      driverLength +=
          1 + Integer.toString(names.size()).length() + (cast == null ? 0 : 2 + cast.length());
      mark();
    }

    private boolean identifierStart(int i) {
      if (i < 0 || i >= text.length()) {
        return false;
      }
      char c = text.charAt(i);
      return c == '_' || Character.isLetter(c);
    }

    private boolean identifierChar(int i) {
      if (i < 0 || i >= text.length()) {
        return false;
      }
      char c = text.charAt(i);
      return c == '_' || c == '$' || Character.isLetterOrDigit(c);
    }

    private IllegalArgumentException unterminated(String what, int start) {
      int line = 1;
      int column = 1;
      for (int i = 0; i < start; i++) {
        if (text.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new IllegalArgumentException(
          "unterminated " + what + " starting at line " + line + ", column " + column);
    }
  }
}
