package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.nio.ByteBuffer;

/** Length-checked reads of binary values, naming the type and field in errors. */
final class Bin {
  private Bin() {}

  static void need(ByteBuffer b, int n, String what) {
    if (b.remaining() < n) {
      throw new DecodeException(
          what + ": expected " + n + " bytes, got " + b.remaining() + " at offset " + b.position());
    }
  }

  /** The value must be exactly {@code n} bytes. */
  static void exactly(ByteBuffer b, int n, String type) {
    if (b.remaining() != n) {
      throw new DecodeException(
          type + ": expected exactly " + n + " bytes, got " + b.remaining() + " at offset 0");
    }
  }

  static void end(ByteBuffer b, String type) {
    if (b.hasRemaining()) {
      throw new DecodeException(
          type
              + ": expected end of value, got "
              + b.remaining()
              + " more bytes at offset "
              + b.position());
    }
  }

  static byte int8(ByteBuffer b, String what) {
    need(b, 1, what);
    return b.get();
  }

  static short int16(ByteBuffer b, String what) {
    need(b, 2, what);
    return b.getShort();
  }

  static int int32(ByteBuffer b, String what) {
    need(b, 4, what);
    return b.getInt();
  }

  static long int64(ByteBuffer b, String what) {
    need(b, 8, what);
    return b.getLong();
  }

  static double float8(ByteBuffer b, String what) {
    need(b, 8, what);
    return b.getDouble();
  }

  /** A count of items of at least {@code minBytes} each, checked against what is left. */
  static int count(ByteBuffer b, int n, int minBytes, String what) {
    if (n < 0 || (long) n * minBytes > b.remaining()) {
      throw new DecodeException(
          what
              + ": expected a count that fits the "
              + b.remaining()
              + " remaining bytes, got "
              + n
              + " at offset "
              + (b.position() - 4));
    }
    return n;
  }

  /** A view of the next {@code len} bytes, advancing past them. */
  static ByteBuffer slice(ByteBuffer b, int len, String what) {
    if (len < 0 || len > b.remaining()) {
      throw new DecodeException(
          what
              + ": expected a length from 0 to the "
              + b.remaining()
              + " remaining bytes, got "
              + len
              + " at offset "
              + (b.position() - 4));
    }
    ByteBuffer s = b.slice();
    s.limit(len);
    b.position(b.position() + len);
    return s;
  }

  static byte[] rest(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
