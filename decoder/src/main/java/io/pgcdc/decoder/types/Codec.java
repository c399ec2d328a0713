package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.util.function.Function;

/**
 * Converts one PostgreSQL type between its text form and its Java value. Parsing throws {@link
 * DecodeException} on malformed input; formatting throws {@link IllegalArgumentException} for a
 * Java value of the wrong class.
 */
interface Codec {

  /** The type's name, as {@code pg_type.typname}. */
  String name();

  /** Parses the type's text output form (as pgoutput text mode and COPY text format send it). */
  Object parseText(String text);

  /** The PostgreSQL text form of a Java value that {@link #parseText} could have returned. */
  String formatText(Object value);

  static DecodeException bad(String type, String expected, String text) {
    String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
    return new DecodeException(type + ": expected " + expected + ", got '" + shown + "'");
  }

  static IllegalArgumentException wrongClass(String type, Object value, String expected) {
    return new IllegalArgumentException(
        type
            + ": cannot write a "
            + (value == null ? "null" : value.getClass().getName())
            + " as "
            + type
            + "; expected "
            + expected);
  }

  /** A codec from its two functions. */
  static Codec of(String name, Function<String, Object> parse, Function<Object, String> format) {
    return new Codec() {
      public String name() {
        return name;
      }

      public Object parseText(String text) {
        return parse.apply(text);
      }

      public String formatText(Object value) {
        return format.apply(value);
      }
    };
  }
}
