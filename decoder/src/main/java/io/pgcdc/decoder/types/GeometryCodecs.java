package io.pgcdc.decoder.types;

import io.pgcdc.decoder.types.PgGeometry.Box;
import io.pgcdc.decoder.types.PgGeometry.Circle;
import io.pgcdc.decoder.types.PgGeometry.Line;
import io.pgcdc.decoder.types.PgGeometry.Lseg;
import io.pgcdc.decoder.types.PgGeometry.Path;
import io.pgcdc.decoder.types.PgGeometry.Point;
import io.pgcdc.decoder.types.PgGeometry.Polygon;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** point, line, lseg, box, path, polygon and circle. */
final class GeometryCodecs {
  private GeometryCodecs() {}

  /** The text cursor with the geometric forms. */
  private static final class Cursor extends TextCursor {
    Cursor(String type, String t, String expected) {
      super(type, t, expected);
    }

    double number() {
      int start = i;
      while (i < t.length() && ",)]}>".indexOf(t.charAt(i)) < 0) {
        i++;
      }
      try {
        return (Double) NumberCodecs.FLOAT8.parseText(t.substring(start, i));
      } catch (RuntimeException e) {
        throw bad();
      }
    }

    Point point() {
      expect('(');
      double x = number();
      expect(',');
      double y = number();
      expect(')');
      return new Point(x, y);
    }

    List<Point> points() {
      List<Point> out = new ArrayList<>();
      out.add(point());
      while (peek() == ',') {
        i++;
        out.add(point());
      }
      return out;
    }
  }

  private static String num(double d) {
    return NumberCodecs.FLOAT8.formatText(d);
  }

  private static void append(StringBuilder sb, Point p) {
    sb.append('(').append(num(p.x())).append(',').append(num(p.y())).append(')');
  }

  private static void append(StringBuilder sb, List<Point> points) {
    for (int k = 0; k < points.size(); k++) {
      if (k > 0) {
        sb.append(',');
      }
      append(sb, points.get(k));
    }
  }

  private static Point readPoint(ByteBuffer b, String type) {
    return new Point(Bin.float8(b, type + ".x"), Bin.float8(b, type + ".y"));
  }

  private static List<Point> readPoints(ByteBuffer b, String type) {
    int n = Bin.count(b, Bin.int32(b, type + ".npts"), 16, type + ".npts");
    List<Point> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      out.add(readPoint(b, type));
    }
    return out;
  }

  private abstract static class Geo<T> implements Codec {
    private final String name;
    private final Class<T> type;
    final String expected;

    Geo(String name, Class<T> type, String expected) {
      this.name = name;
      this.type = type;
      this.expected = expected;
    }

    public String name() {
      return name;
    }

    abstract T parse(Cursor c);

    abstract T read(ByteBuffer b);

    abstract void format(StringBuilder sb, T v);

    public Object parseText(String t) {
      Cursor c = new Cursor(name, t, expected);
      T v = parse(c);
      c.end();
      return v;
    }

    public Object readBinary(ByteBuffer b) {
      T v = read(b);
      Bin.end(b, name);
      return v;
    }

    public String formatText(Object v) {
      if (!type.isInstance(v)) {
        throw Codec.wrongClass(name, v, type.getSimpleName());
      }
      StringBuilder sb = new StringBuilder();
      format(sb, type.cast(v));
      return sb.toString();
    }
  }

  static final Codec POINT =
      new Geo<>("point", Point.class, "(x,y)") {
        Point parse(Cursor c) {
          return c.point();
        }

        Point read(ByteBuffer b) {
          return readPoint(b, "point");
        }

        void format(StringBuilder sb, Point v) {
          append(sb, v);
        }
      };

  static final Codec LINE =
      new Geo<>("line", Line.class, "{A,B,C}") {
        Line parse(Cursor c) {
          c.expect('{');
          double a = c.number();
          c.expect(',');
          double b = c.number();
          c.expect(',');
          double cc = c.number();
          c.expect('}');
          return new Line(a, b, cc);
        }

        Line read(ByteBuffer b) {
          return new Line(
              Bin.float8(b, "line.a"), Bin.float8(b, "line.b"), Bin.float8(b, "line.c"));
        }

        void format(StringBuilder sb, Line v) {
          sb.append('{').append(num(v.a())).append(',').append(num(v.b())).append(',');
          sb.append(num(v.c())).append('}');
        }
      };

  static final Codec LSEG =
      new Geo<>("lseg", Lseg.class, "[(x1,y1),(x2,y2)]") {
        Lseg parse(Cursor c) {
          c.expect('[');
          Point p1 = c.point();
          c.expect(',');
          Point p2 = c.point();
          c.expect(']');
          return new Lseg(p1, p2);
        }

        Lseg read(ByteBuffer b) {
          return new Lseg(readPoint(b, "lseg"), readPoint(b, "lseg"));
        }

        void format(StringBuilder sb, Lseg v) {
          sb.append('[');
          append(sb, v.start());
          sb.append(',');
          append(sb, v.end());
          sb.append(']');
        }
      };

  static final Codec BOX =
      new Geo<>("box", Box.class, "(x1,y1),(x2,y2)") {
        Box parse(Cursor c) {
          Point high = c.point();
          c.expect(',');
          return new Box(high, c.point());
        }

        Box read(ByteBuffer b) {
          return new Box(readPoint(b, "box"), readPoint(b, "box"));
        }

        void format(StringBuilder sb, Box v) {
          append(sb, v.high());
          sb.append(',');
          append(sb, v.low());
        }

        @Override
        public char delimiter() {
          return ';'; // box text contains commas, so box arrays use semicolons
        }
      };

  static final Codec PATH =
      new Geo<>("path", Path.class, "((x1,y1),...) or [(x1,y1),...]") {
        Path parse(Cursor c) {
          boolean closed = c.peek() == '(';
          c.expect(closed ? '(' : '[');
          List<Point> points = c.points();
          c.expect(closed ? ')' : ']');
          return new Path(closed, points);
        }

        Path read(ByteBuffer b) {
          byte closed = Bin.int8(b, "path.closed");
          return new Path(closed != 0, readPoints(b, "path"));
        }

        void format(StringBuilder sb, Path v) {
          sb.append(v.closed() ? '(' : '[');
          append(sb, v.points());
          sb.append(v.closed() ? ')' : ']');
        }
      };

  static final Codec POLYGON =
      new Geo<>("polygon", Polygon.class, "((x1,y1),...)") {
        Polygon parse(Cursor c) {
          c.expect('(');
          List<Point> points = c.points();
          c.expect(')');
          return new Polygon(points);
        }

        Polygon read(ByteBuffer b) {
          return new Polygon(readPoints(b, "polygon"));
        }

        void format(StringBuilder sb, Polygon v) {
          sb.append('(');
          append(sb, v.points());
          sb.append(')');
        }
      };

  static final Codec CIRCLE =
      new Geo<>("circle", Circle.class, "<(x,y),r>") {
        Circle parse(Cursor c) {
          c.expect('<');
          Point center = c.point();
          c.expect(',');
          double r = c.number();
          c.expect('>');
          return new Circle(center, r);
        }

        Circle read(ByteBuffer b) {
          return new Circle(readPoint(b, "circle"), Bin.float8(b, "circle.radius"));
        }

        void format(StringBuilder sb, Circle v) {
          sb.append('<');
          append(sb, v.center());
          sb.append(',').append(num(v.radius())).append('>');
        }
      };
}
