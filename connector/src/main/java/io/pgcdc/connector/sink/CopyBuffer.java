package io.pgcdc.connector.sink;

import java.util.Arrays;

/**
 * Rows in COPY text format, encoded straight to UTF-8 bytes: the escaping of {@link
 * PgText#appendCopyField} without building a string first.
 */
final class CopyBuffer {
  private byte[] bytes;
  private int length;

  CopyBuffer(int capacity) {
    bytes = new byte[capacity];
  }

  int length() {
    return length;
  }

  byte[] bytes() {
    return bytes;
  }

  void clear() {
    length = 0;
  }

  void tab() {
    put((byte) '\t');
  }

  void newline() {
    put((byte) '\n');
  }

  /** A field: {@code \N} for null, else the text with backslash, newline, CR and tab escaped. */
  void field(String text) {
    if (text == null) {
      ensure(2);
      bytes[length++] = '\\';
      bytes[length++] = 'N';
      return;
    }
    int n = text.length();
    ensure(n * 2);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        switch (c) {
          case '\\' -> escaped('\\');
          case '\n' -> escaped('n');
          case '\r' -> escaped('r');
          case '\t' -> escaped('t');
          default -> bytes[length++] = (byte) c;
        }
      } else {
        // Room for this character (up to 4 bytes) and 2 bytes for each one after it, as the
        // first ensure gave; an ASCII character takes at most 2.
        ensure(4 + 2 * (n - i));
        if (c < 0x800) {
          bytes[length++] = (byte) (0xc0 | (c >> 6));
          bytes[length++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, text.charAt(++i));
          bytes[length++] = (byte) (0xf0 | (cp >> 18));
          bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          bytes[length++] = (byte) (0x80 | (cp & 0x3f));
        } else if (Character.isSurrogate(c)) {
          bytes[length++] = '?'; // an unpaired surrogate, as String.getBytes(UTF_8) writes it
        } else {
          bytes[length++] = (byte) (0xe0 | (c >> 12));
          bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          bytes[length++] = (byte) (0x80 | (c & 0x3f));
        }
      }
    }
  }

  private void escaped(char c) {
    bytes[length++] = '\\';
    bytes[length++] = (byte) c;
  }

  private void put(byte b) {
    ensure(1);
    bytes[length++] = b;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
