package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hstore} (the extension's type, registered by OID): a map of text keys to text values or
 * NULL, in the order the server prints the pairs.
 *
 * <p>Text form ({@code hstore_out}): {@code "key"=>"value", "k2"=>NULL}, every key and value
 * double-quoted with {@code "} and {@code \} escaped by a backslash; the empty map is the empty
 * string. Unquoted keys and values are read too, as {@code hstore_in} reads them.
 */
final class HstoreCodec implements Codec {
  private final String name;

  HstoreCodec(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Object parseText(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    int[] at = {skipSpace(text, 0)};
    while (at[0] < text.length()) {
      String key = token(text, at, "key");
      at[0] = skipSpace(text, at[0]);
      if (!text.startsWith("=>", at[0])) {
        throw bad("'=>' after the key at offset " + at[0], text);
      }
      at[0] = skipSpace(text, at[0] + 2);
      boolean quoted = at[0] < text.length() && text.charAt(at[0]) == '"';
      String value = token(text, at, "value");
      map.put(key, !quoted && value.equalsIgnoreCase("NULL") ? null : value);
      at[0] = skipSpace(text, at[0]);
      if (at[0] < text.length()) {
        if (text.charAt(at[0]) != ',') {
          throw bad("',' between pairs at offset " + at[0], text);
        }
        at[0] = skipSpace(text, at[0] + 1);
        if (at[0] == text.length()) {
          throw bad("a pair after ',' at offset " + at[0], text);
        }
      }
    }
    return map;
  }

  private DecodeException bad(String expected, String text) {
    return Codec.bad(name, expected, text);
  }

  /** A quoted or unquoted key or value from {@code at[0]}, which moves past it. */
  private String token(String text, int[] at, String what) {
    int i = at[0];
    StringBuilder sb = new StringBuilder();
    if (i < text.length() && text.charAt(i) == '"') {
      i++;
      while (true) {
        if (i >= text.length()) {
          throw bad("a closing '\"' of the " + what, text);
        }
        char c = text.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          if (i >= text.length()) {
            throw bad("a character after '\\' in the " + what, text);
          }
          c = text.charAt(i++);
        }
        sb.append(c);
      }
    } else {
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == ',' || c == '=' || Character.isWhitespace(c) || c == '"') {
          break;
        }
        if (c == '\\' && i + 1 < text.length()) {
          c = text.charAt(++i);
        }
        sb.append(c);
        i++;
      }
      if (sb.isEmpty()) {
        throw bad("a " + what + " at offset " + at[0], text);
      }
    }
    at[0] = i;
    return sb.toString();
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  @Override
  public String formatText(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw Codec.wrongClass(name, value, "Map<String, String>");
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      quote(sb, String.valueOf(e.getKey()));
      sb.append("=>");
      if (e.getValue() == null) {
        sb.append("NULL");
      } else {
        quote(sb, String.valueOf(e.getValue()));
      }
    }
    return sb.toString();
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    sb.append('"');
  }
}
