package io.pgcdc.connector.sink.encode;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.types.ExactText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.connect.data.Schema;

/**
 * Rows in COPY text format, encoded straight to UTF-8 bytes: the one COPY text escaper of the
 * project (backslash, newline, carriage return and tab escaped with a backslash, {@code \N} for
 * NULL), without building a string first. {@link #value} renders the common value types (strings,
 * exact texts, whole numbers, booleans, bytes) straight into the buffer, as the text {@link
 * PgText#render} gives them, in one pass and without a string per value; the others as {@link
 * PgText#render} gives them.
 */
public final class CopyBuffer {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int length;

  public CopyBuffer(int capacity) {
    bytes = new byte[capacity];
  }

  public int length() {
    return length;
  }

  public byte[] bytes() {
    return bytes;
  }

  public void clear() {
    length = 0;
  }

  /** The bytes written so far, as a new array (one row's line, say). */
  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  public void tab() {
    put((byte) '\t');
  }

  public void newline() {
    put((byte) '\n');
  }

  /** Appends bytes that are COPY text already (a row encoded earlier). */
  public void raw(byte[] text) {
    ensure(text.length);
    System.arraycopy(text, 0, bytes, length, text.length);
    length += text.length;
  }

  /**
   * A value, as {@link #field} writes the text {@link PgText#render} gives it for a column that
   * wants {@code target}. A string with a NUL character is a {@link BadRecordException}.
   */
  public void value(Object value, Schema schema, PgText.Target target) {
    if (value == null) {
      field(null);
      return;
    }
    if (value instanceof ExactText exact) {
      text(exact.text());
      return;
    }
    if (schema == null || schema.name() == null) {
      // No logical type that changes the text: the common types go straight in.
      if (value instanceof String s) {
        text(s);
        return;
      }
      if (value instanceof Long || value instanceof Integer || value instanceof Short) {
        integer(((Number) value).longValue());
        return;
      }
      if (value instanceof Boolean b) {
        put((byte) (b ? 't' : 'f'));
        return;
      }
      if (value instanceof byte[] b) {
        bytea(b);
        return;
      }
    }
    field(PgText.render(value, schema, target));
  }

  /** A string field, as {@link #field}; NUL is refused (PostgreSQL text cannot hold it). */
  void text(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '\\') {
        bytes[length++] = (byte) c;
      } else {
        // Escapes, control characters and non-ASCII text: the general encoder from here on.
        if (text.indexOf(0, i) >= 0) {
          throw new BadRecordException(
              "the value contains a NUL character (\\u0000), which PostgreSQL text cannot hold");
        }
        encode(text, i);
        return;
      }
    }
  }

  /** A whole number in decimal. */
  void integer(long value) {
    if (value == Long.MIN_VALUE) {
      field(Long.toString(value));
      return;
    }
    ensure(20);
    long v = value;
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long rest = v / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int end = length + digits;
    for (int p = end - 1; p >= length; p--) {
      bytes[p] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    length = end;
  }

  /** bytea hex input ({@code \x0aff}), its backslash escaped for COPY. */
  void bytea(byte[] value) {
    ensure(3 + 2 * value.length);
    bytes[length++] = '\\';
    bytes[length++] = '\\';
    bytes[length++] = 'x';
    for (byte b : value) {
      bytes[length++] = HEX[(b >> 4) & 0xf];
      bytes[length++] = HEX[b & 0xf];
    }
  }

  /** A field: {@code \N} for null, else the text with backslash, newline, CR and tab escaped. */
  public void field(String text) {
    if (text == null) {
      ensure(2);
      bytes[length++] = '\\';
      bytes[length++] = 'N';
      return;
    }
    encode(text, 0);
  }

  /** The characters of {@code text} from {@code from} on, escaped and encoded to UTF-8. */
  private void encode(String text, int from) {
    int n = text.length();
    ensure(2 * (n - from));
    for (int i = from; i < n; i++) {
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
