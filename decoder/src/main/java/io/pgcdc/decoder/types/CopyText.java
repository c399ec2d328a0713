package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * COPY's text format (tab delimiter, {@code \N} for NULL), the layer around each value's text form:
 * {@link #parseRow} undoes COPY's escapes so {@link PgTypes#decodeText} sees the text that pgoutput
 * would send; {@link #appendField} adds them for {@code COPY ... FROM STDIN}.
 *
 * <p>From the COPY documentation: "Backslash characters (\) can be used in the COPY data to quote
 * data characters that might otherwise be taken as row or column delimiters ... \b Backspace, \f
 * Form feed, \n Newline, \r Carriage return, \t Tab, \v Vertical tab, \digits Backslash followed by
 * one to three octal digits specifies the byte with that numeric code, \xdigits Backslash x
 * followed by one or two hex digits specifies the byte with that numeric code."
 */
public final class CopyText {

  /** How COPY text format writes NULL. */
  public static final String NULL = "\\N";

  private CopyText() {}

  /**
   * Splits one row of {@code COPY ... TO STDOUT} text output into its fields, escapes undone, in
   * UTF-8. A trailing newline is ignored; a {@code \N} field is null.
   *
   * @throws DecodeException when a backslash ends the row
   */
  public static List<String> parseRow(byte[] row) {
    int end = row.length;
    if (end > 0 && row[end - 1] == '\n') {
      end--;
    }
    List<String> fields = new ArrayList<>();
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    boolean isNull = false;
    int fieldStart = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || row[i] == '\t') {
        fields.add(isNull ? null : field.toString(StandardCharsets.UTF_8));
        field.reset();
        isNull = false;
        fieldStart = i + 1;
        continue;
      }
      byte c = row[i];
      if (c != '\\') {
        field.write(c);
        continue;
      }
      if (++i >= end) {
        throw new DecodeException(
            "COPY row: expected a character after '\\', got end of row at offset " + (i - 1));
      }
      byte e = row[i];
      switch (e) {
        case 'N' -> {
          if (i - 1 == fieldStart && (i + 1 == end || row[i + 1] == '\t')) {
            isNull = true;
          } else {
            field.write('N');
          }
        }
        case 'b' -> field.write('\b');
        case 'f' -> field.write('\f');
        case 'n' -> field.write('\n');
        case 'r' -> field.write('\r');
        case 't' -> field.write('\t');
        case 'v' -> field.write(0x0b);
        case 'x' -> {
          int v = 0;
          int n = 0;
          while (n < 2 && i + 1 < end && Character.digit(row[i + 1], 16) >= 0) {
            v = v * 16 + Character.digit(row[++i], 16);
            n++;
          }
          field.write(n == 0 ? 'x' : v);
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int n = 1; n < 3 && i + 1 < end && row[i + 1] >= '0' && row[i + 1] <= '7'; n++) {
              v = v * 8 + (row[++i] - '0');
            }
            field.write(v);
          } else {
            field.write(e);
          }
        }
      }
    }
    return Collections.unmodifiableList(fields);
  }

  /** Appends one value's text form with COPY's escapes; null appends {@code \N}. */
  public static StringBuilder appendField(StringBuilder sb, String text) {
    if (text == null) {
      return sb.append(NULL);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0b -> sb.append("\\v");
        default -> sb.append(c);
      }
    }
    return sb;
  }
}
