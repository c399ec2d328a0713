package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Range types over any subtype, and (through {@link Multi}) their multiranges. */
final class RangeCodec implements Codec {

  private static final int RANGE_EMPTY = 0x01;
  private static final int RANGE_LB_INC = 0x02;
  private static final int RANGE_UB_INC = 0x04;
  private static final int RANGE_LB_INF = 0x08;
  private static final int RANGE_UB_INF = 0x10;

  private final String name;
  private final Codec subtype;

  RangeCodec(String name, Codec subtype) {
    this.name = name;
    this.subtype = subtype;
  }

  @Override
  public String name() {
    return name;
  }

  // ---- text ---------------------------------------------------------------------------------

  @Override
  public Object parseText(String t) {
    int[] at = {0};
    PgRange r = parse(t, at);
    if (at[0] != t.length()) {
      throw Codec.bad(name, "end of range at index " + at[0], t);
    }
    return r;
  }

  /** range_in: {@code empty}, or a bracket, optional lower bound, comma, upper bound, bracket. */
  PgRange parse(String t, int[] at) {
    int i = at[0];
    if (t.regionMatches(true, i, "empty", 0, 5)) {
      at[0] = i + 5;
      return PgRange.EMPTY;
    }
    char open = i < t.length() ? t.charAt(i) : '\0';
    if (open != '[' && open != '(') {
      throw Codec.bad(name, "'[', '(' or empty at index " + i, t);
    }
    at[0] = i + 1;
    String lower = bound(t, at);
    if (at[0] >= t.length() || t.charAt(at[0]) != ',') {
      throw Codec.bad(name, "',' at index " + at[0], t);
    }
    at[0]++;
    String upper = bound(t, at);
    char close = at[0] < t.length() ? t.charAt(at[0]) : '\0';
    if (close != ']' && close != ')') {
      throw Codec.bad(name, "']' or ')' at index " + at[0], t);
    }
    at[0]++;
    Object lo = lower == null ? null : subtype.parseText(lower);
    Object hi = upper == null ? null : subtype.parseText(upper);
    return new PgRange(lo, hi, lo != null && open == '[', hi != null && close == ']', false);
  }

  /** One bound: null when absent; quotes group, backslash escapes, "" inside quotes is '"'. */
  private String bound(String t, int[] at) {
    int i = at[0];
    StringBuilder sb = new StringBuilder();
    boolean any = false;
    boolean inQuotes = false;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (!inQuotes && (c == ',' || c == ']' || c == ')')) {
        break;
      }
      i++;
      any = true;
      if (c == '\\') {
        if (i >= t.length()) {
          throw Codec.bad(name, "a character after '\\'", t);
        }
        sb.append(t.charAt(i++));
      } else if (c == '"') {
        if (inQuotes && i < t.length() && t.charAt(i) == '"') {
          sb.append('"');
          i++;
        } else {
          inQuotes = !inQuotes;
        }
      } else {
        sb.append(c);
      }
    }
    if (inQuotes) {
      throw Codec.bad(name, "a closing '\"'", t);
    }
    at[0] = i;
    return any ? sb.toString() : null;
  }

  @Override
  public String formatText(Object v) {
    if (!(v instanceof PgRange r)) {
      throw Codec.wrongClass(name, v, "PgRange");
    }
    StringBuilder sb = new StringBuilder();
    format(sb, r);
    return sb.toString();
  }

  void format(StringBuilder sb, PgRange r) {
    if (r.empty()) {
      sb.append("empty");
      return;
    }
    sb.append(r.lowerInclusive() ? '[' : '(');
    if (r.lower() != null) {
      quote(sb, subtype.formatText(r.lower()));
    }
    sb.append(',');
    if (r.upper() != null) {
      quote(sb, subtype.formatText(r.upper()));
    }
    sb.append(r.upperInclusive() ? ']' : ')');
  }

  /** range_bound_escape: quote when empty or holding "\()[], or space; double " and \. */
  private static void quote(StringBuilder sb, String s) {
    boolean needs = s.isEmpty();
    for (int k = 0; k < s.length() && !needs; k++) {
      needs = "\"\\()[],".indexOf(s.charAt(k)) >= 0 || Character.isWhitespace(s.charAt(k));
    }
    if (!needs) {
      sb.append(s);
      return;
    }
    sb.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '"' || c == '\\') {
        sb.append(c);
      }
      sb.append(c);
    }
    sb.append('"');
  }

  // ---- binary -------------------------------------------------------------------------------

  @Override
  public Object readBinary(ByteBuffer b) {
    int flags = Bin.int8(b, name + ".flags") & 0xff;
    if ((flags & ~0x7f) != 0 || ((flags & RANGE_EMPTY) != 0 && flags != RANGE_EMPTY)) {
      throw new DecodeException(
          name
              + ".flags: expected range flags, got 0x"
              + Integer.toHexString(flags)
              + " at offset 0");
    }
    if ((flags & RANGE_EMPTY) != 0) {
      Bin.end(b, name);
      return PgRange.EMPTY;
    }
    Object lower = null;
    Object upper = null;
    if ((flags & RANGE_LB_INF) == 0) {
      lower = subtype.readBinary(Bin.slice(b, Bin.int32(b, name + ".lower"), name + ".lower"));
    }
    if ((flags & RANGE_UB_INF) == 0) {
      upper = subtype.readBinary(Bin.slice(b, Bin.int32(b, name + ".upper"), name + ".upper"));
    }
    Bin.end(b, name);
    return new PgRange(
        lower,
        upper,
        lower != null && (flags & RANGE_LB_INC) != 0,
        upper != null && (flags & RANGE_UB_INC) != 0,
        false);
  }

  /** A multirange over this range type. */
  static final class Multi implements Codec {
    private final String name;
    private final RangeCodec range;

    Multi(String name, RangeCodec range) {
      this.name = name;
      this.range = range;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Object parseText(String t) {
      if (!t.startsWith("{")) {
        throw Codec.bad(name, "'{'", t);
      }
      List<PgRange> ranges = new ArrayList<>();
      int[] at = {1};
      skip(t, at);
      if (at[0] < t.length() && t.charAt(at[0]) == '}') {
        at[0]++;
      } else {
        while (true) {
          skip(t, at);
          ranges.add(range.parse(t, at));
          skip(t, at);
          char c = at[0] < t.length() ? t.charAt(at[0]) : '\0';
          at[0]++;
          if (c == '}') {
            break;
          }
          if (c != ',') {
            throw Codec.bad(name, "',' or '}' at index " + (at[0] - 1), t);
          }
        }
      }
      if (at[0] != t.length()) {
        throw Codec.bad(name, "end of multirange at index " + at[0], t);
      }
      return new PgMultirange(ranges);
    }

    private static void skip(String t, int[] at) {
      while (at[0] < t.length() && Character.isWhitespace(t.charAt(at[0]))) {
        at[0]++;
      }
    }

    @Override
    public Object readBinary(ByteBuffer b) {
      int n = Bin.count(b, Bin.int32(b, name + ".count"), 5, name + ".count");
      List<PgRange> ranges = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        int len = Bin.int32(b, name + ".range.length");
        ranges.add((PgRange) range.readBinary(Bin.slice(b, len, name + ".range.length")));
      }
      Bin.end(b, name);
      return new PgMultirange(ranges);
    }

    @Override
    public String formatText(Object v) {
      if (!(v instanceof PgMultirange m)) {
        throw Codec.wrongClass(name, v, "PgMultirange");
      }
      StringBuilder sb = new StringBuilder("{");
      for (int k = 0; k < m.ranges().size(); k++) {
        if (k > 0) {
          sb.append(',');
        }
        range.format(sb, m.ranges().get(k));
      }
      return sb.append('}').toString();
    }
  }
}
