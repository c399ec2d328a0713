package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The channels to listen on, parsed from the {@code channels} setting: names separated by commas,
 * each taken exactly as written (case kept, no folding: the name as {@code pg_notify()} takes it),
 * or in double quotes (a double quote inside doubled) for a name with a comma, a double quote or
 * spaces at its ends.
 */
record Channels(List<String> names) {
  /** PostgreSQL's NAMEDATALEN - 1: longer channel names are cut (LISTEN) or refused (pg_notify). */
  static final int MAX_BYTES = 63;

  Channels {
    names = List.copyOf(names);
  }

  /** Parses the setting; an {@link IllegalArgumentException} says what is wrong and where. */
  static Channels parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("name at least one channel");
    }
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    while (i <= text.length()) {
      StringBuilder name = new StringBuilder();
      i = skipSpaces(text, i);
      if (i < text.length() && text.charAt(i) == '"') {
        i = quoted(text, i + 1, name);
        i = skipSpaces(text, i);
        if (i < text.length() && text.charAt(i) != ',') {
          throw new IllegalArgumentException(
              "expected a comma after the quoted channel name \"" + name + "\" at position " + i);
        }
      } else {
        int comma = text.indexOf(',', i);
        int end = comma < 0 ? text.length() : comma;
        name.append(text, i, end);
        if (name.indexOf("\"") >= 0) {
          throw new IllegalArgumentException(
              "channel name '"
                  + name.toString().strip()
                  + "' has a double quote: quote the whole"
                  + " name (\"a\"\"b\" for a\"b)");
        }
        String stripped = name.toString().strip();
        name.setLength(0);
        name.append(stripped);
        i = end;
      }
      add(names, name.toString());
      i++; // past the comma (or the end)
    }
    return new Channels(new ArrayList<>(names));
  }

  private static void add(Set<String> names, String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a channel name is empty (two commas in a row?)");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a channel name must not contain a NUL character");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "channel name '"
              + name
              + "' is "
              + bytes
              + " bytes long; PostgreSQL's names have at most "
              + MAX_BYTES
              + " bytes (pg_notify() refuses a longer one)");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("channel '" + name + "' is listed twice");
    }
  }

  private static int skipSpaces(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Reads a quoted name from after its opening quote; returns the position after its closing one.
   */
  private static int quoted(String text, int i, StringBuilder name) {
    while (true) {
      if (i >= text.length()) {
        throw new IllegalArgumentException(
            "the quoted channel name \"" + name + " has no closing double quote");
      }
      char c = text.charAt(i++);
      if (c != '"') {
        name.append(c);
      } else if (i < text.length() && text.charAt(i) == '"') {
        name.append('"');
        i++;
      } else {
        return i;
      }
    }
  }

  /** {@code LISTEN "name"}: the name quoted, so that case and every character are kept. */
  static String listen(String channel) {
    return "LISTEN " + Identifiers.quote(channel);
  }
}
