package io.pgcdc.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds protocol bytes by hand, big-endian, as the server writes them. */
final class Bytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Bytes tag(char c) {
    return new Bytes().i8(c);
  }

  Bytes i8(int v) {
    out.write(v);
    return this;
  }

  Bytes i16(int v) {
    return i8(v >>> 8).i8(v);
  }

  Bytes i32(int v) {
    return i16(v >>> 16).i16(v);
  }

  Bytes i64(long v) {
    return i32((int) (v >>> 32)).i32((int) v);
  }

  /** A NUL-terminated UTF-8 string. */
  Bytes str(String s) {
    raw(s.getBytes(StandardCharsets.UTF_8));
    return i8(0);
  }

  Bytes raw(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  /** A tuple column in text format: 't', Int32 length, bytes. */
  Bytes text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return i8('t').i32(b.length).raw(b);
  }

  /** A tuple column in binary format: 'b', Int32 length, bytes. */
  Bytes binary(byte[] b) {
    return i8('b').i32(b.length).raw(b);
  }

  byte[] array() {
    return out.toByteArray();
  }

  ByteBuffer buffer() {
    return ByteBuffer.wrap(array());
  }
}
