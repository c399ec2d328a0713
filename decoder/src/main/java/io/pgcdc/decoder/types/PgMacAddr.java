package io.pgcdc.decoder.types;

import java.util.Arrays;

/**
 * A {@code macaddr} (6 bytes) or {@code macaddr8} (8 bytes) value. Binary form: the bytes.
 *
 * @param bytes the 6 or 8 address bytes; the accessor returns a copy
 */
public record PgMacAddr(byte[] bytes) {

  /** Copies the bytes and checks their count. */
  public PgMacAddr {
    if (bytes.length != 6 && bytes.length != 8) {
      throw new IllegalArgumentException("macaddr: expected 6 or 8 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /** A copy of the address bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  // A record compares arrays by identity; an address compares by content.
  @Override
  public boolean equals(Object o) {
    return o instanceof PgMacAddr m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** PostgreSQL's text form, for example {@code 08:00:2b:01:02:03}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
