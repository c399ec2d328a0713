package io.pgcdc.decoder.types;

/**
 * text and enums (String: the exact text) and bytea (byte[]). text's codec also splits the array
 * literal of any type into its elements' texts, as text[].
 */
final class TextCodecs {
  private TextCodecs() {}

  /** A type whose Java value is its exact text. */
  record StringCodec(String name) implements Codec {
    public Object parseText(String t) {
      return t;
    }

    public String formatText(Object v) {
      if (v instanceof String s) {
        return s;
      }
      throw Codec.wrongClass(name, v, "String");
    }
  }

  static final Codec TEXT = new StringCodec("text");

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
}
