package io.pgcdc.decoder.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** bool, int2, int4, int8, oid, float4, float8, numeric and money. */
final class NumberCodecs {
  private NumberCodecs() {}

  static final Codec BOOL =
      new Codec() {
        public String name() {
          return "bool";
        }

        public Object parseText(String t) {
          return switch (t) {
            case "t", "true" -> Boolean.TRUE;
            case "f", "false" -> Boolean.FALSE;
            default -> throw Codec.bad("bool", "t or f", t);
          };
        }

        public String formatText(Object v) {
          if (v instanceof Boolean x) {
            return x ? "t" : "f";
          }
          throw Codec.wrongClass("bool", v, "Boolean");
        }
      };

  static final Codec INT2 = new IntegerCodec("int2", 2, Short.MIN_VALUE, Short.MAX_VALUE);
  static final Codec INT4 = new IntegerCodec("int4", 4, Integer.MIN_VALUE, Integer.MAX_VALUE);
  static final Codec INT8 = new IntegerCodec("int8", 8, Long.MIN_VALUE, Long.MAX_VALUE);
  static final Codec OID = new IntegerCodec("oid", 4, 0, 0xFFFF_FFFFL);

  /** Integers: int2 → Short, int4 → Integer, int8 → Long, oid (unsigned 32 bits) → Long. */
  private record IntegerCodec(String name, int bytes, long min, long max) implements Codec {

    public Object parseText(String t) {
      long v = parseLong(t);
      if (v < min || v > max) {
        throw Codec.bad(name, "an integer from " + min + " to " + max, t);
      }
      return box(v);
    }

    private long parseLong(String t) {
      int n = t.length();
      int i = 0;
      boolean negative = false;
      if (n > 0 && (t.charAt(0) == '-' || t.charAt(0) == '+')) {
        negative = t.charAt(0) == '-';
        i = 1;
      }
      if (i == n || n - i > 19) {
        throw Codec.bad(name, "an integer from " + min + " to " + max, t);
      }
      long v = 0;
      for (; i < n; i++) {
        int d = t.charAt(i) - '0';
        if (d < 0 || d > 9) {
          throw Codec.bad(name, "an integer from " + min + " to " + max, t);
        }
        // Accumulate negatively so that Long.MIN_VALUE fits.
        if (v < (Long.MIN_VALUE + d) / 10) {
          throw Codec.bad(name, "an integer from " + min + " to " + max, t);
        }
        v = v * 10 - d;
      }
      if (!negative) {
        if (v == Long.MIN_VALUE) {
          throw Codec.bad(name, "an integer from " + min + " to " + max, t);
        }
        v = -v;
      }
      return v;
    }

    private Object box(long v) {
      return switch (name) {
        case "int2" -> (short) v;
        case "int4" -> (int) v;
        default -> v;
      };
    }

    public String formatText(Object v) {
      if (v instanceof Short || v instanceof Integer || v instanceof Long || v instanceof Byte) {
        long x = ((Number) v).longValue();
        if (x >= min && x <= max) {
          return Long.toString(x);
        }
        throw new IllegalArgumentException(
            name + ": " + x + " is outside the range " + min + " to " + max);
      }
      throw Codec.wrongClass(name, v, "Short, Integer or Long");
    }
  }

  static final Codec FLOAT4 = new FloatCodec("float4");
  static final Codec FLOAT8 = new FloatCodec("float8");

  /** float4 → Float, float8 → Double, with NaN and the infinities as Java has them. */
  private record FloatCodec(String name) implements Codec {
    public Object parseText(String t) {
      double d = parse(t);
      if (name.equals("float4")) {
        return Double.isNaN(d) || Double.isInfinite(d) ? (float) d : Float.parseFloat(t);
      }
      return d;
    }

    private double parse(String t) {
      switch (t) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "inf":
        case "+Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
        case "-inf":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
      // Double.parseDouble also takes hex floats, "1d" and spaces: accept PostgreSQL's form only.
      boolean digit = false;
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (c >= '0' && c <= '9') {
          digit = true;
        } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
          throw Codec.bad(name, "a number, NaN, Infinity or -Infinity", t);
        }
      }
      if (!digit) {
        throw Codec.bad(name, "a number, NaN, Infinity or -Infinity", t);
      }
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw Codec.bad(name, "a number, NaN, Infinity or -Infinity", t);
      }
    }

    public String formatText(Object v) {
      if (v instanceof Float f && name.equals("float4")) {
        return special(f.doubleValue(), Float.toString(f));
      }
      if (v instanceof Double d) {
        return special(d, Double.toString(d));
      }
      if (v instanceof Float f) {
        return special(f.doubleValue(), Float.toString(f));
      }
      throw Codec.wrongClass(name, v, name.equals("float4") ? "Float" : "Double");
    }

    private static String special(double d, String plain) {
      if (Double.isNaN(d)) {
        return "NaN";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      return plain;
    }
  }

  /** numeric → BigDecimal with the value's scale, or PgSpecial for NaN and ±Infinity. */
  static final Codec NUMERIC =
      new Codec() {

        public String name() {
          return "numeric";
        }

        public Object parseText(String t) {
          switch (t) {
            case "NaN":
              return PgSpecial.NAN;
            case "Infinity":
              return PgSpecial.INFINITY;
            case "-Infinity":
              return PgSpecial.NEGATIVE_INFINITY;
            default:
              return decimal("numeric", t);
          }
        }

        public String formatText(Object v) {
          if (v instanceof PgSpecial s) {
            return switch (s) {
              case NAN -> "NaN";
              case INFINITY -> "Infinity";
              case NEGATIVE_INFINITY -> "-Infinity";
            };
          }
          if (v instanceof BigDecimal d) {
            return d.toPlainString();
          }
          if (v instanceof BigInteger
              || v instanceof Long
              || v instanceof Integer
              || v instanceof Short) {
            return v.toString();
          }
          throw Codec.wrongClass("numeric", v, "BigDecimal or PgSpecial");
        }
      };

  static BigDecimal decimal(String type, String t) {
    // BigDecimal also takes exponents; PostgreSQL input does too, so keep them.
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        throw Codec.bad(type, "a decimal number", t);
      }
    }
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      throw Codec.bad(type, "a decimal number", t);
    }
  }

  /**
   * money → BigDecimal with scale 2. The text form depends on lc_monetary; this reads the C and
   * en_US forms ({@code $1,234.56}, {@code -$1,234.56}) and writes a plain number, which every
   * lc_monetary accepts.
   */
  static final Codec MONEY =
      new Codec() {
        public String name() {
          return "money";
        }

        public Object parseText(String t) {
          StringBuilder digits = new StringBuilder(t.length());
          boolean negative = false;
          for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.') {
              digits.append(c);
            } else if (c == '-' || c == '(') {
              negative = true;
            } else if (c != '$' && c != ',' && c != ')' && c != ' ') {
              throw Codec.bad("money", "an amount like $1,234.56", t);
            }
          }
          if (digits.length() == 0) {
            throw Codec.bad("money", "an amount like $1,234.56", t);
          }
          BigDecimal v = decimal("money", digits.toString());
          try {
            v = v.setScale(2, RoundingMode.UNNECESSARY);
          } catch (ArithmeticException e) {
            throw Codec.bad("money", "an amount with at most 2 decimals", t);
          }
          return negative ? v.negate() : v;
        }

        public String formatText(Object v) {
          if (v instanceof BigDecimal d) {
            return d.toPlainString();
          }
          throw Codec.wrongClass("money", v, "BigDecimal");
        }
      };
}
