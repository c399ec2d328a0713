package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Arrays of any element type, any number of dimensions, any lower bounds, with NULLs. Elements are
 * delimited by ',': box, the one built-in type whose arrays use ';', has no codec.
 */
final class ArrayCodec implements Codec {

  /** PostgreSQL's MAXDIM. */
  static final int MAX_DIMENSIONS = 6;

  private static final char DELIMITER = ',';

  private final String name;
  private final Codec element;

  ArrayCodec(Codec element) {
    this.name = element.name() + "[]";
    this.element = element;
  }

  @Override
  public String name() {
    return name;
  }

  // ---- text ---------------------------------------------------------------------------------

  @Override
  public Object parseText(String t) {
    return new Parser(t).parse();
  }

  /** array_in for the forms array_out writes: optional bounds, nested braces, quoted elements. */
  private final class Parser {
    private final String t;
    private int i;
    private final List<Object> elements = new ArrayList<>();
    private final List<Integer> dims = new ArrayList<>();
    private final int[] sizes = {-1, -1, -1, -1, -1, -1};
    private int leafDepth = -1;

    Parser(String t) {
      this.t = t;
    }

    DecodeException bad(String expected) {
      return Codec.bad(name, expected + " at index " + i, t);
    }

    PgArray parse() {
      List<Integer> lower = null;
      List<Integer> upper = null;
      if (peek() == '[') {
        lower = new ArrayList<>();
        upper = new ArrayList<>();
        while (peek() == '[') {
          i++;
          lower.add(integer());
          expect(':');
          upper.add(integer());
          expect(']');
        }
        expect('=');
      }
      skipSpace();
      level(0);
      skipSpace();
      if (i != t.length()) {
        throw bad("end of array");
      }
      for (int d = 0; d <= leafDepth; d++) {
        dims.add(sizes[d]);
      }
      if (lower == null) {
        lower = new ArrayList<>();
        for (int k = 0; k < dims.size(); k++) {
          lower.add(1);
        }
      } else {
        if (lower.size() != dims.size()) {
          throw bad("as many [lower:upper] bounds as dimensions");
        }
        for (int k = 0; k < dims.size(); k++) {
          if ((long) upper.get(k) - lower.get(k) + 1 != dims.get(k)) {
            throw bad("bounds that match the dimension sizes");
          }
        }
      }
      if (elements.isEmpty()) {
        return new PgArray(List.of(), List.of(), List.of());
      }
      return new PgArray(dims, lower, elements);
    }

    private void level(int depth) {
      if (depth >= MAX_DIMENSIONS || (leafDepth >= 0 && depth > leafDepth)) {
        throw bad(leafDepth >= 0 ? "an element, not a nested array" : "at most 6 dimensions");
      }
      expect('{');
      skipSpace();
      int count = 0;
      if (peek() == '}') {
        i++;
        if (depth > 0) {
          throw bad("no empty inner array");
        }
        return;
      }
      while (true) {
        skipSpace();
        if (peek() == '{') {
          level(depth + 1);
        } else {
          if (leafDepth < 0) {
            leafDepth = depth;
          } else if (leafDepth != depth) {
            throw bad("a nested array, as elsewhere at this depth");
          }
          leaf();
        }
        count++;
        skipSpace();
        char c = peek();
        if (c == DELIMITER) {
          i++;
        } else if (c == '}') {
          i++;
          break;
        } else {
          throw bad("'" + DELIMITER + "' or '}'");
        }
      }
      if (sizes[depth] < 0) {
        sizes[depth] = count;
      } else if (sizes[depth] != count) {
        throw bad("sub-arrays of equal size (" + sizes[depth] + ")");
      }
    }

    private void leaf() {
      StringBuilder sb = new StringBuilder();
      boolean quotedOrEscaped = false;
      if (peek() == '"') {
        quotedOrEscaped = true;
        i++;
        while (true) {
          if (i >= t.length()) {
            throw bad("a closing '\"'");
          }
          char c = t.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (i >= t.length()) {
              throw bad("a character after '\\'");
            }
            c = t.charAt(i++);
          }
          sb.append(c);
        }
      } else {
        int lastSignificant = 0;
        while (i < t.length()) {
          char c = t.charAt(i);
          if (c == DELIMITER || c == '}' || c == '{' || c == '"') {
            break;
          }
          i++;
          if (c == '\\') {
            if (i >= t.length()) {
              throw bad("a character after '\\'");
            }
            sb.append(t.charAt(i++));
            quotedOrEscaped = true;
            lastSignificant = sb.length();
          } else {
            sb.append(c);
            if (!Character.isWhitespace(c)) {
              lastSignificant = sb.length();
            }
          }
        }
        sb.setLength(lastSignificant);
        if (sb.length() == 0 && !quotedOrEscaped) {
          throw bad("an element");
        }
      }
      String s = sb.toString();
      if (!quotedOrEscaped && s.equalsIgnoreCase("NULL")) {
        elements.add(null);
      } else {
        elements.add(element.parseText(s));
      }
    }

    private int integer() {
      int start = i;
      if (peek() == '-' || peek() == '+') {
        i++;
      }
      while (i < t.length() && Character.isDigit(t.charAt(i)) && t.charAt(i) <= '9') {
        i++;
      }
      try {
        return Integer.parseInt(t.substring(start, i));
      } catch (NumberFormatException e) {
        throw bad("an integer bound");
      }
    }

    private void expect(char c) {
      if (peek() != c) {
        throw bad("'" + c + "'");
      }
      i++;
    }

    private char peek() {
      return i < t.length() ? t.charAt(i) : '\0';
    }

    private void skipSpace() {
      while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
    }
  }

  @Override
  public String formatText(Object v) {
    if (!(v instanceof PgArray a)) {
      throw Codec.wrongClass(name, v, "PgArray");
    }
    StringBuilder sb = new StringBuilder();
    if (a.dimensions().isEmpty()) {
      return "{}";
    }
    boolean defaultBounds = a.lowerBounds().stream().allMatch(b -> b == 1);
    if (!defaultBounds) {
      for (int d = 0; d < a.dimensions().size(); d++) {
        int lb = a.lowerBounds().get(d);
        sb.append('[').append(lb).append(':').append(lb + a.dimensions().get(d) - 1).append(']');
      }
      sb.append('=');
    }
    if (a.elements().isEmpty()) {
      return "{}";
    }
    format(sb, a, 0, new int[] {0});
    return sb.toString();
  }

  private void format(StringBuilder sb, PgArray a, int depth, int[] next) {
    sb.append('{');
    int n = a.dimensions().get(depth);
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        sb.append(DELIMITER);
      }
      if (depth + 1 < a.dimensions().size()) {
        format(sb, a, depth + 1, next);
      } else {
        Object e = a.elements().get(next[0]++);
        if (e == null) {
          sb.append("NULL");
        } else {
          quote(sb, element.formatText(e));
        }
      }
    }
    sb.append('}');
  }

  private void quote(StringBuilder sb, String s) {
    boolean needs = s.isEmpty() || s.equalsIgnoreCase("NULL");
    for (int k = 0; k < s.length() && !needs; k++) {
      char c = s.charAt(k);
      needs =
          c == '"'
              || c == '\\'
              || c == '{'
              || c == '}'
              || c == DELIMITER
              || Character.isWhitespace(c);
    }
    if (!needs) {
      sb.append(s);
      return;
    }
    sb.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    sb.append('"');
  }
}
