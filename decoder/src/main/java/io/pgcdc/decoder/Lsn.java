package io.pgcdc.decoder;

/**
 * A PostgreSQL log sequence number ({@code XLogRecPtr}): an unsigned 64-bit position in the WAL.
 *
 * <p>Compared unsigned; printed and parsed in PostgreSQL's {@code X/X} form, the high and low 32
 * bits in upper-case hexadecimal, for example {@code 16/B374D848}.
 *
 * @param value the 64 bits of the position, to be read as unsigned
 */
public record Lsn(long value) implements Comparable<Lsn> {

  /** {@code InvalidXLogRecPtr}, the position 0/0. */
  public static final Lsn INVALID = new Lsn(0);

  /**
   * Parses PostgreSQL's text form: one to eight hex digits, a slash, one to eight hex digits.
   *
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static Lsn parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("LSN: expected text of the form X/X, got null");
    }
    int slash = text.indexOf('/');
    if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
      throw new IllegalArgumentException(
          "LSN: expected 1-8 hex digits, '/', 1-8 hex digits (like 16/B374D848), got '"
              + text
              + "'");
    }
    long high = hex(text, 0, slash);
    long low = hex(text, slash + 1, text.length());
    return new Lsn(high << 32 | low);
  }

  private static long hex(String text, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0 || text.charAt(i) > 'f') {
        throw new IllegalArgumentException(
            "LSN: expected a hex digit at index " + i + " of '" + text + "'");
      }
      v = v << 4 | d;
    }
    return v;
  }

  /** Whether this is 0/0, PostgreSQL's {@code InvalidXLogRecPtr}. */
  public boolean isValid() {
    return value != 0;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  /** PostgreSQL's text form, for example {@code 16/B374D848}. */
  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase(java.util.Locale.ROOT)
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
  }
}
