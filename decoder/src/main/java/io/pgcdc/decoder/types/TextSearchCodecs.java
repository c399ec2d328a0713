package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * tsvector and tsquery → String in PostgreSQL's text form (no JDK type fits them). The binary forms
 * are turned into that same text form.
 */
final class TextSearchCodecs {
  private TextSearchCodecs() {}

  /**
   * tsvectorsend: Int32 lexeme count; per lexeme a NUL-terminated string, a UInt16 position count,
   * and the positions as UInt16 (weight in the top two bits: 3 A, 2 B, 1 C, 0 D).
   */
  static final Codec TSVECTOR =
      Codec.of("tsvector", t -> t, TextSearchCodecs::readTsvector, v -> string("tsvector", v));

  static final Codec TSQUERY =
      Codec.of("tsquery", t -> t, TextSearchCodecs::readTsquery, v -> string("tsquery", v));

  private static String string(String type, Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw Codec.wrongClass(type, v, "String");
  }

  private static Object readTsvector(ByteBuffer b) {
    int n = Bin.count(b, Bin.int32(b, "tsvector.count"), 3, "tsvector.count");
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        sb.append(' ');
      }
      quoted(sb, cstring(b, "tsvector.lexeme"));
      int npos = Bin.int16(b, "tsvector.positions") & 0xffff;
      Bin.need(b, 2 * npos, "tsvector.positions");
      for (int p = 0; p < npos; p++) {
        int pos = b.getShort() & 0xffff;
        sb.append(p == 0 ? ':' : ',').append(pos & 0x3fff);
        int weight = pos >> 14;
        if (weight > 0) {
          sb.append((char) ('D' - weight));
        }
      }
    }
    Bin.end(b, "tsvector");
    return sb.toString();
  }

  /**
   * tsquerysend: Int32 item count, items in prefix order; an operand is Int8 type 1, Int8 weight
   * bits, Int8 prefix flag, NUL-terminated string; an operator is Int8 type 2, Int8 operator (1
   * NOT, 2 AND, 3 OR, 4 PHRASE) and, for PHRASE, Int16 distance.
   */
  private static Object readTsquery(ByteBuffer b) {
    int n = Bin.count(b, Bin.int32(b, "tsquery.count"), 2, "tsquery.count");
    StringBuilder sb = new StringBuilder();
    int[] left = {n};
    if (n > 0) {
      item(b, sb, left, 0);
    }
    if (left[0] != 0) {
      throw new DecodeException(
          "tsquery: expected " + n + " items to form one query, got " + left[0] + " extra");
    }
    Bin.end(b, "tsquery");
    return sb.toString();
  }

  /** Writes one query item and its operands; priorities as PostgreSQL's infix output uses. */
  private static int item(ByteBuffer b, StringBuilder sb, int[] left, int depth) {
    if (left[0]-- <= 0 || depth > 1000) {
      throw new DecodeException("tsquery: expected an operand, got the end of the items");
    }
    int type = Bin.int8(b, "tsquery.type");
    if (type == 1) {
      int weight = Bin.int8(b, "tsquery.weight") & 0xff;
      int prefix = Bin.int8(b, "tsquery.prefix");
      quoted(sb, cstring(b, "tsquery.operand"));
      if (prefix != 0 || weight != 0) {
        sb.append(':');
        if (prefix != 0) {
          sb.append('*');
        }
        // weight bits: 1 D, 2 C, 4 B, 8 A; printed A to D
        for (int w = 3; w >= 0; w--) {
          if ((weight & (1 << w)) != 0) {
            sb.append((char) ('D' - w));
          }
        }
      }
      return 5;
    }
    if (type != 2) {
      throw new DecodeException("tsquery.type: expected 1 (operand) or 2 (operator), got " + type);
    }
    int op = Bin.int8(b, "tsquery.operator");
    int distance = op == 4 ? Bin.int16(b, "tsquery.distance") : 0;
    if (op == 1) {
      sb.append('!');
      StringBuilder operand = new StringBuilder();
      int p = item(b, operand, left, depth + 1);
      wrap(sb, operand, p < 4);
      return 4;
    }
    int priority =
        switch (op) {
          case 2 -> 2;
          case 3 -> 1;
          case 4 -> 3;
          default -> throw new DecodeException("tsquery.operator: expected 1 to 4, got " + op);
        };
    String sign =
        op == 2 ? " & " : op == 3 ? " | " : distance == 1 ? " <-> " : " <" + distance + "> ";
    // In prefix order the right operand comes first, then the left one.
    StringBuilder right = new StringBuilder();
    int pr = item(b, right, left, depth + 1);
    StringBuilder leftOp = new StringBuilder();
    int pl = item(b, leftOp, left, depth + 1);
    wrap(sb, leftOp, pl < priority);
    sb.append(sign);
    wrap(sb, right, pr < priority || (op == 4 && pr == priority));
    return priority;
  }

  private static void wrap(StringBuilder sb, CharSequence s, boolean parens) {
    if (parens) {
      sb.append("( ").append(s).append(" )");
    } else {
      sb.append(s);
    }
  }

  private static String cstring(ByteBuffer b, String what) {
    for (int k = b.position(); k < b.limit(); k++) {
      if (b.get(k) == 0) {
        byte[] bytes = new byte[k - b.position()];
        b.get(bytes);
        b.get();
        return new String(bytes, StandardCharsets.UTF_8);
      }
    }
    throw new DecodeException(
        what + ": expected a NUL-terminated string, got none at offset " + b.position());
  }

  private static void quoted(StringBuilder sb, String s) {
    sb.append('\'');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '\'' || c == '\\') {
        sb.append(c);
      }
      sb.append(c);
    }
    sb.append('\'');
  }
}
