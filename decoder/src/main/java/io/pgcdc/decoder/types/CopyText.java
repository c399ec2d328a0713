package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * COPY's text format (tab delimiter, {@code \N} for NULL), the layer around each value's text form:
 * {@link #parseRow} undoes COPY's escapes so {@link PgTypes#decodeText} sees the text that pgoutput
 * would send. (The sink writes COPY text with its own byte-level encoder, {@code CopyBuffer}.)
 *
 * <p>From the COPY documentation: "Backslash characters (\) can be used in the COPY data to quote
 * data characters that might otherwise be taken as row or column delimiters ... \b Backspace, \f
 * Form feed, \n Newline, \r Carriage return, \t Tab, \v Vertical tab, \digits Backslash followed by
 * one to three octal digits specifies the byte with that numeric code, \xdigits Backslash x
 * followed by one or two hex digits specifies the byte with that numeric code."
 */
public final class CopyText {

  private CopyText() {}

  /**
   * Splits one row of {@code COPY ... TO STDOUT} text output into its fields, escapes undone, in
   * UTF-8. A trailing newline is ignored; a {@code \N} field is null.
   *
   * @throws DecodeException when a backslash ends the row
   */
  public static List<String> parseRow(byte[] row) {
    int tabs = 0;
    for (byte b : row) {
      if (b == '\t') {
        tabs++;
      }
    }
    String[] fields = new String[tabs + 1];
    int n = parseRow(row, fields);
    return Collections.unmodifiableList(Arrays.asList(fields).subList(0, n));
  }

  /**
   * Splits one row like {@link #parseRow(byte[])} into {@code fields}, without allocating more than
   * the strings: the reading path of a snapshot, which knows how many columns a row has. A field
   * without escapes becomes a string straight from {@code row}.
   *
   * @return the number of fields in the row; only the first {@code fields.length} are stored, so a
   *     caller compares the count with the columns it expects
   * @throws DecodeException when a backslash ends the row
   */
  public static int parseRow(byte[] row, String[] fields) {
    int end = row.length;
    if (end > 0 && row[end - 1] == '\n') {
      end--;
    }
    int count = 0;
    int pos = 0;
    byte[] scratch = null;
    while (true) {
      int fieldEnd = pos;
      boolean escaped = false;
      while (fieldEnd < end && row[fieldEnd] != '\t') {
        if (row[fieldEnd] == '\\') {
          escaped = true;
          if (++fieldEnd >= end) {
            throw new DecodeException(
                "COPY row: expected a character after '\\', got end of row at offset "
                    + (fieldEnd - 1));
          }
        }
        fieldEnd++;
      }
      if (count < fields.length) {
        String value;
        if (!escaped) {
          value = new String(row, pos, fieldEnd - pos, StandardCharsets.UTF_8);
        } else if (fieldEnd - pos == 2 && row[pos + 1] == 'N') {
          value = null;
        } else {
          if (scratch == null || scratch.length < fieldEnd - pos) {
            scratch = new byte[Math.max(64, fieldEnd - pos)];
          }
          int n = unescape(row, pos, fieldEnd, scratch);
          value = new String(scratch, 0, n, StandardCharsets.UTF_8);
        }
        fields[count] = value;
      }
      count++;
      if (fieldEnd >= end) {
        return count;
      }
      pos = fieldEnd + 1;
    }
  }

  /** Undoes the escapes of {@code row[from, to)} into {@code out}; returns the length. */
  private static int unescape(byte[] row, int from, int to, byte[] out) {
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = row[i];
      if (c != '\\') {
        out[n++] = c;
        continue;
      }
      byte e = row[++i];
      switch (e) {
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'v' -> out[n++] = 0x0b;
        case 'x' -> {
          int v = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
            v = v * 16 + Character.digit(row[++i], 16);
            digits++;
          }
          out[n++] = digits == 0 ? (byte) 'x' : (byte) v;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int d = 1; d < 3 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7'; d++) {
              v = v * 8 + (row[++i] - '0');
            }
            out[n++] = (byte) v;
          } else {
            out[n++] = e;
          }
        }
      }
    }
    return n;
  }
}
