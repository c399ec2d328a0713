package io.pgcdc.decoder.types;

/**
 * A {@code bit(n)} or {@code bit varying} value: its bits in order, as PostgreSQL writes them.
 *
 * @param bits the digits '0' and '1', possibly none
 */
public record PgBitString(String bits) {

  /**
   * @throws IllegalArgumentException when {@code bits} has other characters than 0 and 1
   */
  public PgBitString {
    for (int i = 0; i < bits.length(); i++) {
      if (bits.charAt(i) != '0' && bits.charAt(i) != '1') {
        throw new IllegalArgumentException("bit string: expected 0 or 1 at index " + i);
      }
    }
  }

  /** The number of bits. */
  public int length() {
    return bits.length();
  }

  /** Whether bit {@code i} (0 is the first, leftmost) is 1. */
  public boolean get(int i) {
    return bits.charAt(i) == '1';
  }
}
