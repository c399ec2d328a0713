package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** inet, cidr → PgInet; macaddr, macaddr8 → PgMacAddr. Literal addresses only, never DNS. */
final class NetworkCodecs {
  private NetworkCodecs() {}

  static final Codec INET = new InetCodec("inet", false);
  static final Codec CIDR = new InetCodec("cidr", true);
  static final Codec MACADDR = new MacCodec("macaddr", 6);
  static final Codec MACADDR8 = new MacCodec("macaddr8", 8);

  private record InetCodec(String name, boolean cidr) implements Codec {
    public Object parseText(String t) {
      int slash = t.indexOf('/');
      String addr = slash < 0 ? t : t.substring(0, slash);
      InetAddress a = address(addr, t);
      int max = a.getAddress().length * 8;
      int prefix = max;
      if (slash >= 0) {
        String p = t.substring(slash + 1);
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          throw Codec.bad(name, "an address with an optional /prefix length", t);
        }
        prefix = Integer.parseInt(p);
      } else if (cidr) {
        throw Codec.bad(name, "an address with a /prefix length", t);
      }
      if (prefix > max) {
        throw Codec.bad(name, "a prefix length from 0 to " + max, t);
      }
      return new PgInet(a, prefix);
    }

    private InetAddress address(String s, String whole) {
      if (s.indexOf(':') < 0) {
        return ipv4(s, whole);
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.digit(c, 16) < 0 && c != ':' && c != '.' || c > 'f') {
          throw Codec.bad(name, "an IPv4 or IPv6 address", whole);
        }
      }
      try {
        // Brackets make the JDK parse an IPv6 literal and fail rather than look a name up.
        InetAddress a = InetAddress.getByName("[" + s + "]");
        if (a instanceof Inet4Address) { // an IPv4-mapped IPv6 address: keep it IPv6
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
          return Inet6Address.getByAddress(null, mapped, -1);
        }
        return a;
      } catch (UnknownHostException | RuntimeException e) {
        throw Codec.bad(name, "an IPv4 or IPv6 address", whole);
      }
    }

    private InetAddress ipv4(String s, String whole) {
      byte[] b = new byte[4];
      int part = 0;
      int value = -1;
      for (int i = 0; i <= s.length(); i++) {
        char c = i < s.length() ? s.charAt(i) : '.';
        if (c >= '0' && c <= '9') {
          value = (value < 0 ? 0 : value * 10) + (c - '0');
          if (value > 255) {
            throw Codec.bad(name, "an IPv4 address of four numbers 0-255", whole);
          }
        } else if (c == '.' && value >= 0 && part < 4) {
          b[part++] = (byte) value;
          value = -1;
        } else {
          throw Codec.bad(name, "an IPv4 address of four numbers 0-255", whole);
        }
      }
      if (part != 4) {
        throw Codec.bad(name, "an IPv4 address of four numbers 0-255", whole);
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are always an address", e);
      }
    }

    public Object readBinary(ByteBuffer b) {
      int family = Bin.int8(b, name + ".family");
      int bits = Bin.int8(b, name + ".bits") & 0xff;
      Bin.int8(b, name + ".is_cidr");
      int nb = Bin.int8(b, name + ".length");
      int expected = family == 2 ? 4 : family == 3 ? 16 : -1;
      if (expected < 0) {
        throw new DecodeException(
            name + ".family: expected 2 (IPv4) or 3 (IPv6), got " + family + " at offset 0");
      }
      if (nb != expected || b.remaining() != nb) {
        throw new DecodeException(
            name
                + ".length: expected "
                + expected
                + " address bytes, got "
                + nb
                + " with "
                + b.remaining()
                + " bytes left at offset 3");
      }
      if (bits > nb * 8) {
        throw new DecodeException(
            name + ".bits: expected 0 to " + nb * 8 + ", got " + bits + " at offset 1");
      }
      byte[] addr = Bin.rest(b);
      try {
        InetAddress a =
            nb == 4 ? InetAddress.getByAddress(addr) : Inet6Address.getByAddress(null, addr, -1);
        return new PgInet(a, bits);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("4 or 16 bytes are always an address", e);
      }
    }

    public String formatText(Object v) {
      if (v instanceof PgInet i) {
        String a = i.address().getHostAddress();
        return !cidr && i.prefixLength() == i.maxPrefixLength() ? a : a + "/" + i.prefixLength();
      }
      throw Codec.wrongClass(name, v, "PgInet");
    }
  }

  private record MacCodec(String name, int bytes) implements Codec {
    public Object parseText(String t) {
      if (t.length() != bytes * 3 - 1) {
        throw Codec.bad(name, bytes + " hex byte pairs separated by ':'", t);
      }
      byte[] out = new byte[bytes];
      for (int i = 0; i < bytes; i++) {
        int hi = Character.digit(t.charAt(3 * i), 16);
        int lo = Character.digit(t.charAt(3 * i + 1), 16);
        char sep = i + 1 < bytes ? t.charAt(3 * i + 2) : ':';
        if (hi < 0
            || lo < 0
            || (sep != ':' && sep != '-')
            || t.charAt(3 * i) > 'f'
            || t.charAt(3 * i + 1) > 'f') {
          throw Codec.bad(name, bytes + " hex byte pairs separated by ':'", t);
        }
        out[i] = (byte) (hi << 4 | lo);
      }
      return new PgMacAddr(out);
    }

    public Object readBinary(ByteBuffer b) {
      Bin.exactly(b, bytes, name);
      return new PgMacAddr(Bin.rest(b));
    }

    public String formatText(Object v) {
      if (v instanceof PgMacAddr m && m.bytes().length == bytes) {
        return m.toString();
      }
      throw Codec.wrongClass(name, v, "PgMacAddr of " + bytes + " bytes");
    }
  }
}
