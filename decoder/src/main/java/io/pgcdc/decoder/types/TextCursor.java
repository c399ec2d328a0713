package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;

/**
 * A cursor over one text value, for the codecs that parse a text form by hand. Every error names
 * the type and what was expected, and quotes the text.
 */
class TextCursor {
  final String type;
  final String t;
  final String expected;
  int i;

  TextCursor(String type, String t, String expected) {
    this.type = type;
    this.t = t;
    this.expected = expected;
  }

  final DecodeException bad() {
    return Codec.bad(type, expected, t);
  }

  final boolean more() {
    return i < t.length();
  }

  final char peek() {
    return i < t.length() ? t.charAt(i) : '\0';
  }

  final void expect(char c) {
    if (i >= t.length() || t.charAt(i) != c) {
      throw bad();
    }
    i++;
  }

  final void end() {
    if (i != t.length()) {
      throw bad();
    }
  }
}
