package io.pgcdc.decoder;

import java.util.List;

/**
 * Reads the {@code TupleData} structure shared by Insert, Update and Delete. Column names for error
 * messages are built only when an error is thrown: this is the decoder's hot loop.
 */
final class Tuples {

  private static final String KINDS = "column kind n, u, t or b";

  private Tuples() {}

  /** Reads one {@code TupleData}: the column count, then one submessage per column. */
  static List<TupleValue> decode(Reader r, String field) {
    int at = r.offset();
    if (r.remaining() < 2) {
      throw r.error(field + ".columns", "2 bytes", r.gotBytes(), at);
    }
    int n = r.unchecked16();
    if (n > r.remaining()) {
      // Each column takes at least its kind byte: reject before allocating.
      throw r.error(
          field + ".columns",
          "a column count that fits the " + r.remaining() + " remaining bytes",
          Integer.toString(n),
          at);
    }
    TupleValue[] values = new TupleValue[n];
    for (int i = 0; i < n; i++) {
      if (r.remaining() < 1) {
        throw r.error(column(field, i), KINDS, "end of message", r.offset());
      }
      byte kind = r.unchecked8();
      values[i] =
          switch (kind) {
            case 'n' -> TupleValue.Null.INSTANCE;
            case 'u' -> TupleValue.UnchangedToast.INSTANCE;
            case 't' -> new TupleValue.Text(data(r, field, i));
            case 'b' -> new TupleValue.Binary(data(r, field, i));
            default ->
                throw r.error(column(field, i), KINDS, Reader.describe(kind), r.offset() - 1);
          };
    }
    return new TupleList(values);
  }

  private static byte[] data(Reader r, String field, int i) {
    int lengthAt = r.offset();
    if (r.remaining() < 4) {
      throw r.error(column(field, i) + ".length", "4 bytes", r.gotBytes(), lengthAt);
    }
    int len = r.unchecked32();
    if (len < 0 || len > r.remaining()) {
      throw r.error(
          column(field, i) + ".length",
          "a length from 0 to the " + r.remaining() + " remaining bytes",
          Integer.toString(len),
          lengthAt);
    }
    return r.uncheckedBytes(len);
  }

  private static String column(String field, int i) {
    return field + "[" + i + "]";
  }
}
