package io.pgcdc.connector.source;

import java.util.List;
import org.apache.kafka.connect.errors.DataException;

/**
 * Splits one row of COPY's text format into column values: tab-separated fields ending in a
 * newline, {@code \N} for NULL, and backslash escapes ({@code \\ \b \f \n \r \t \v}, octal {@code
 * \ooo}, hex {@code \xhh}) for the bytes that would collide. A field unescapes to exactly the text
 * the type's output function printed, the same text pgoutput sends, so one conversion serves both.
 */
final class CopyText {
  private byte[] scratch = new byte[256];

  /** Fills {@code values} with the converted fields of {@code row}. */
  void parse(byte[] row, List<TableSchema.Column> columns, Object[] values) {
    int end = row.length;
    if (end > 0 && row[end - 1] == '\n') {
      end--;
    }
    int pos = 0;
    for (int col = 0; col < values.length; col++) {
      if (pos > end) {
        throw new DataException(
            "COPY row has " + col + " fields, expected " + values.length + " columns");
      }
      int fieldEnd = pos;
      boolean escaped = false;
      while (fieldEnd < end && row[fieldEnd] != '\t') {
        if (row[fieldEnd] == '\\') {
          escaped = true;
          fieldEnd++;
        }
        fieldEnd++;
      }
      fieldEnd = Math.min(fieldEnd, end);
      ColumnKind kind = columns.get(col).kind();
      try {
        if (fieldEnd - pos == 2 && row[pos] == '\\' && row[pos + 1] == 'N') {
          values[col] = null;
        } else if (!escaped) {
          values[col] = kind.fromText(row, pos, fieldEnd - pos);
        } else {
          int len = unescape(row, pos, fieldEnd);
          values[col] = kind.fromText(scratch, 0, len);
        }
      } catch (DataException e) {
        throw new DataException("column " + columns.get(col).name() + ": " + e.getMessage(), e);
      }
      pos = fieldEnd + 1;
    }
    if (values.length > 0 && pos <= end) {
      throw new DataException("COPY row has more fields than the " + values.length + " columns");
    }
  }

  private int unescape(byte[] row, int from, int to) {
    if (scratch.length < to - from) {
      scratch = new byte[Math.max(to - from, scratch.length * 2)];
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = row[i];
      if (b != '\\' || i + 1 >= to) {
        scratch[n++] = b;
        continue;
      }
      byte e = row[++i];
      switch (e) {
        case 'b' -> scratch[n++] = '\b';
        case 'f' -> scratch[n++] = '\f';
        case 'n' -> scratch[n++] = '\n';
        case 'r' -> scratch[n++] = '\r';
        case 't' -> scratch[n++] = '\t';
        case 'v' -> scratch[n++] = 0x0b;
        case 'x' -> {
          int v = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
            v = v * 16 + Character.digit(row[++i], 16);
            digits++;
          }
          scratch[n++] = digits == 0 ? (byte) 'x' : (byte) v;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int d = 0; d < 2 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7'; d++) {
              v = v * 8 + row[++i] - '0';
            }
            scratch[n++] = (byte) v;
          } else {
            scratch[n++] = e;
          }
        }
      }
    }
    return n;
  }
}
