package io.pgcdc.decoder.types;

import java.net.InetAddress;

/**
 * An {@code inet} or {@code cidr} value: an IPv4 or IPv6 address and its netmask length.
 *
 * <p>Binary form ({@code inet_send}): Int8 family (2 IPv4, 3 IPv6), Int8 netmask bits, Int8
 * is_cidr, Int8 address length (4 or 16), then the address bytes.
 *
 * @param address the address; IPv6 values stay {@link java.net.Inet6Address}, IPv4-mapped ones too
 * @param prefixLength the netmask length: 0-32 for IPv4, 0-128 for IPv6
 */
public record PgInet(InetAddress address, int prefixLength) {

  /** Checks the prefix length against the address family. */
  public PgInet {
    int max = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "inet: expected a prefix length from 0 to " + max + ", got " + prefixLength);
    }
  }

  /** The number of address bits: 32 or 128. */
  public int maxPrefixLength() {
    return address.getAddress().length * 8;
  }
}
