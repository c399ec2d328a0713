package io.pgcdc.decoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Bounds-checked big-endian reads over one message. Every read checks the remaining length first
 * and reports the message, the field, the offset from the message start and what was expected.
 * Reads use absolute indices, so the caller's buffer position is never moved.
 */
final class Reader {

  /** Seconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01 UTC. */
  static final long PG_EPOCH_SECONDS = 946_684_800L;

  private final ByteBuffer buf;
  private final int base;
  private final int limit;
  private int pos;
  private String message = "message";

  Reader(ByteBuffer buf) {
    this.buf =
        buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate().order(ByteOrder.BIG_ENDIAN);
    this.base = buf.position();
    this.limit = buf.limit();
    this.pos = base;
  }

  /** Names the message being read, for error messages. */
  void message(String name) {
    this.message = name;
  }

  int offset() {
    return pos - base;
  }

  int remaining() {
    return limit - pos;
  }

  DecodeException error(String field, String expected, String got, int offset) {
    return new DecodeException(
        message + "." + field + ": expected " + expected + ", got " + got + " at offset " + offset);
  }

  private void need(String field, int n) {
    if (limit - pos < n) {
      throw error(field, n + " bytes", gotBytes(), offset());
    }
  }

  String gotBytes() {
    int r = limit - pos;
    return r == 0 ? "end of message" : r + (r == 1 ? " byte" : " bytes");
  }

  /** Reads one byte; the caller has checked {@link #remaining()}. */
  byte unchecked8() {
    return buf.get(pos++);
  }

  /** Reads an unsigned Int16; the caller has checked {@link #remaining()}. */
  int unchecked16() {
    int v = buf.getShort(pos) & 0xffff;
    pos += 2;
    return v;
  }

  /** Reads an Int32; the caller has checked {@link #remaining()}. */
  int unchecked32() {
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  /** Copies {@code len} bytes; the caller has checked {@link #remaining()}. */
  byte[] uncheckedBytes(int len) {
    byte[] b = new byte[len];
    buf.get(pos, b);
    pos += len;
    return b;
  }

  byte int8(String field) {
    need(field, 1);
    return buf.get(pos++);
  }

  /** A type byte, reported as a character when it is missing or wrong. */
  byte tag(String field, String expected) {
    if (pos >= limit) {
      throw error(field, expected, "end of message", offset());
    }
    return buf.get(pos++);
  }

  DecodeException badTag(String field, String expected, byte got) {
    return error(field, expected, describe(got), offset() - 1);
  }

  static String describe(byte b) {
    return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
  }

  int uint16(String field) {
    need(field, 2);
    int v = buf.getShort(pos) & 0xffff;
    pos += 2;
    return v;
  }

  int int32(String field) {
    need(field, 4);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  long int64(String field) {
    need(field, 8);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  /**
   * The Xid that Relation, Type, Message, Insert, Update, Delete and Truncate carry "only present
   * for streamed transactions" (protocol version 2 and later).
   */
  java.util.OptionalInt streamXid(boolean inStream) {
    return inStream ? java.util.OptionalInt.of(int32("xid")) : java.util.OptionalInt.empty();
  }

  Lsn lsn(String field) {
    return new Lsn(int64(field));
  }

  /** A TimestampTz: microseconds since 2000-01-01 00:00 UTC. */
  Instant timestamp(String field) {
    return pgInstant(int64(field));
  }

  static Instant pgInstant(long micros) {
    return Instant.ofEpochSecond(
        PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A count that announces {@code count} items of at least {@code minBytes} bytes each. */
  int count(String field, int count, int minBytes, int countOffset) {
    if (count < 0 || (long) count * minBytes > remaining()) {
      throw error(
          field,
          "a count that fits the "
              + remaining()
              + " remaining bytes ("
              + minBytes
              + " or more bytes each)",
          Integer.toUnsignedString(count),
          countOffset);
    }
    return count;
  }

  /** A NUL-terminated UTF-8 string. */
  String string(String field) {
    for (int i = pos; i < limit; i++) {
      if (buf.get(i) == 0) {
        String s = utf8(pos, i - pos);
        pos = i + 1;
        return s;
      }
    }
    throw error(field, "a NUL-terminated string", "no NUL in " + gotBytes(), offset());
  }

  private String utf8(int from, int len) {
    if (buf.hasArray()) {
      return new String(buf.array(), buf.arrayOffset() + from, len, StandardCharsets.UTF_8);
    }
    byte[] b = new byte[len];
    buf.get(from, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** An Int32 length (checked against the remaining bytes) followed by that many bytes. */
  byte[] lengthPrefixed(String field) {
    int lengthAt = offset();
    int len = int32(field + ".length");
    if (len < 0 || len > remaining()) {
      throw error(
          field + ".length",
          "a length from 0 to the " + remaining() + " remaining bytes",
          Integer.toString(len),
          lengthAt);
    }
    return uncheckedBytes(len);
  }

  /** The message must end here: one XLogData payload holds exactly one message. */
  void end() {
    if (pos != limit) {
      throw new DecodeException(
          message + ": expected end of message, got " + gotBytes() + " more at offset " + offset());
    }
  }
}
