package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.Lsn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Types whose value is text or bytes: text, varchar, bpchar, name, "char", json, jsonb, jsonpath,
 * xml, enums, unknown types (all to String); bytea (byte[]); uuid (UUID); pg_lsn (Lsn); bit and
 * varbit (PgBitString).
 */
final class TextCodecs {
  private TextCodecs() {}

  /** A type whose Java value is its exact text; the binary form is that text in UTF-8. */
  record StringCodec(String name, int binaryVersion) implements Codec {
    StringCodec(String name) {
      this(name, -1);
    }

    public Object parseText(String t) {
      return t;
    }

    public Object readBinary(ByteBuffer b) {
      if (binaryVersion >= 0) {
        // jsonb_send and jsonpath_send: "a version number (currently 1), then the text".
        byte v = Bin.int8(b, name + ".version");
        if (v != binaryVersion) {
          throw new DecodeException(
              name + ".version: expected " + binaryVersion + ", got " + v + " at offset 0");
        }
      }
      return utf8(b);
    }

    public String formatText(Object v) {
      if (v instanceof String s) {
        return s;
      }
      throw Codec.wrongClass(name, v, "String");
    }
  }

  static String utf8(ByteBuffer b) {
    if (b.hasArray()) {
      String s =
          new String(
              b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
      b.position(b.limit());
      return s;
    }
    return new String(Bin.rest(b), StandardCharsets.UTF_8);
  }

  static final Codec TEXT = new StringCodec("text");
  static final Codec VARCHAR = new StringCodec("varchar");
  static final Codec BPCHAR = new StringCodec("bpchar");
  static final Codec NAME = new StringCodec("name");
  static final Codec JSON = new StringCodec("json");
  static final Codec JSONB = new StringCodec("jsonb", 1);
  static final Codec JSONPATH = new StringCodec("jsonpath", 1);
  static final Codec XML = new StringCodec("xml");

  /**
   * {@code "char"}: one byte. Its text form writes bytes from 128 up as a backslash and three octal
   * digits; the binary form is converted to that same text.
   */
  static final Codec CHAR =
      new Codec() {
        public String name() {
          return "char";
        }

        public Object parseText(String t) {
          if (t.length() > 1 && !(t.length() == 4 && t.charAt(0) == '\\')) {
            throw Codec.bad("char", "one character or \\ooo", t);
          }
          return t;
        }

        public Object readBinary(ByteBuffer b) {
          if (b.remaining() > 1) {
            Bin.exactly(b, 1, "char");
          }
          if (!b.hasRemaining()) {
            return "";
          }
          int c = b.get() & 0xff;
          return c < 128 ? String.valueOf((char) c) : "\\" + (c >> 6) + ((c >> 3) & 7) + (c & 7);
        }

        public String formatText(Object v) {
          if (v instanceof String s && s.length() <= 4) {
            return s;
          }
          if (v instanceof Character c) {
            return c.toString();
          }
          throw Codec.wrongClass("char", v, "a String of one character");
        }
      };

  /** bytea → byte[]; reads the hex ({@code \x00ff}) and escape ({@code \000\377}) text forms. */
  static final Codec BYTEA =
      new Codec() {
        public String name() {
          return "bytea";
        }

        public Object parseText(String t) {
          if (t.startsWith("\\x")) {
            return hex(t);
          }
          return escape(t);
        }

        private byte[] hex(String t) {
          int n = t.length() - 2;
          if (n % 2 != 0) {
            throw Codec.bad("bytea", "an even number of hex digits after \\x", t);
          }
          byte[] out = new byte[n / 2];
          for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(t.charAt(2 + 2 * i), 16);
            int lo = Character.digit(t.charAt(3 + 2 * i), 16);
            if (hi < 0 || lo < 0 || t.charAt(2 + 2 * i) > 'f' || t.charAt(3 + 2 * i) > 'f') {
              throw Codec.bad("bytea", "hex digits after \\x", t);
            }
            out[i] = (byte) (hi << 4 | lo);
          }
          return out;
        }

        private byte[] escape(String t) {
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(t.length());
          for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '\\') {
              if (c > 0xff) {
                throw Codec.bad("bytea", "escape format bytes (ASCII and \\ooo)", t);
              }
              out.write(c);
            } else if (i + 1 < t.length() && t.charAt(i + 1) == '\\') {
              out.write('\\');
              i++;
            } else if (i + 3 < t.length()
                && octal(t.charAt(i + 1)) >= 0
                && octal(t.charAt(i + 1)) <= 3
                && octal(t.charAt(i + 2)) >= 0
                && octal(t.charAt(i + 3)) >= 0) {
              out.write(
                  octal(t.charAt(i + 1)) << 6
                      | octal(t.charAt(i + 2)) << 3
                      | octal(t.charAt(i + 3)));
              i += 3;
            } else {
              throw Codec.bad("bytea", "\\\\ or \\ooo after a backslash at index " + i, t);
            }
          }
          return out.toByteArray();
        }

        private int octal(char c) {
          return c >= '0' && c <= '7' ? c - '0' : -1;
        }

        public Object readBinary(ByteBuffer b) {
          return Bin.rest(b);
        }

        public String formatText(Object v) {
          if (v instanceof byte[] bytes) {
            char[] out = new char[2 + bytes.length * 2];
            out[0] = '\\';
            out[1] = 'x';
            for (int i = 0; i < bytes.length; i++) {
              out[2 + 2 * i] = Character.forDigit((bytes[i] >> 4) & 0xf, 16);
              out[3 + 2 * i] = Character.forDigit(bytes[i] & 0xf, 16);
            }
            return new String(out);
          }
          throw Codec.wrongClass("bytea", v, "byte[]");
        }
      };

  /** uuid → UUID; the text form is 8-4-4-4-12 hex digits, strictly. */
  static final Codec UUID_CODEC =
      new Codec() {
        public String name() {
          return "uuid";
        }

        public Object parseText(String t) {
          if (t.length() != 36
              || t.charAt(8) != '-'
              || t.charAt(13) != '-'
              || t.charAt(18) != '-'
              || t.charAt(23) != '-') {
            throw Codec.bad("uuid", "8-4-4-4-12 hex digits", t);
          }
          long hi = 0;
          long lo = 0;
          int digits = 0;
          for (int i = 0; i < 36; i++) {
            char c = t.charAt(i);
            if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
              continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f') {
              throw Codec.bad("uuid", "8-4-4-4-12 hex digits", t);
            }
            if (digits++ < 16) {
              hi = hi << 4 | d;
            } else {
              lo = lo << 4 | d;
            }
          }
          return new UUID(hi, lo);
        }

        public Object readBinary(ByteBuffer b) {
          Bin.exactly(b, 16, "uuid");
          return new UUID(b.getLong(), b.getLong());
        }

        public String formatText(Object v) {
          if (v instanceof UUID u) {
            return u.toString();
          }
          throw Codec.wrongClass("uuid", v, "UUID");
        }
      };

  /** pg_lsn → Lsn. */
  static final Codec PG_LSN =
      new Codec() {
        public String name() {
          return "pg_lsn";
        }

        public Object parseText(String t) {
          try {
            return Lsn.parse(t);
          } catch (IllegalArgumentException e) {
            throw new DecodeException("pg_lsn: " + e.getMessage(), e);
          }
        }

        public Object readBinary(ByteBuffer b) {
          Bin.exactly(b, 8, "pg_lsn");
          return new Lsn(b.getLong());
        }

        public String formatText(Object v) {
          if (v instanceof Lsn l) {
            return l.toString();
          }
          throw Codec.wrongClass("pg_lsn", v, "Lsn");
        }
      };

  static final Codec BIT = new BitCodec("bit");
  static final Codec VARBIT = new BitCodec("varbit");

  /** bit and varbit → PgBitString. Binary: Int32 bit count, then the bits, high bit first. */
  private record BitCodec(String name) implements Codec {
    public Object parseText(String t) {
      try {
        return new PgBitString(t);
      } catch (IllegalArgumentException e) {
        throw Codec.bad(name, "binary digits 0 and 1", t);
      }
    }

    public Object readBinary(ByteBuffer b) {
      int bits = Bin.int32(b, name + ".length");
      if (bits < 0 || (bits + 7L) / 8 != b.remaining()) {
        throw new DecodeException(
            name
                + ".length: expected a bit count that fills the "
                + b.remaining()
                + " remaining bytes, got "
                + bits
                + " at offset 0");
      }
      char[] out = new char[bits];
      for (int i = 0; i < bits; i++) {
        out[i] = (b.get(4 + i / 8) & (0x80 >> (i % 8))) != 0 ? '1' : '0';
      }
      b.position(b.limit());
      return new PgBitString(new String(out));
    }

    public String formatText(Object v) {
      if (v instanceof PgBitString s) {
        return s.bits();
      }
      throw Codec.wrongClass(name, v, "PgBitString");
    }
  }
}
