package io.pgcdc.decoder.types;

import java.util.List;

/**
 * PostgreSQL's geometric types. Coordinates are float8, so NaN and infinities are possible. Binary
 * forms ({@code *_send}) are the float8 fields in the order of each record; path starts with Int8
 * closed and Int32 point count, polygon with Int32 point count.
 */
public sealed interface PgGeometry {

  /** {@code point}: {@code (x,y)}. */
  record Point(double x, double y) implements PgGeometry {}

  /** {@code line}: the line Ax + By + C = 0, text {@code {A,B,C}}. */
  record Line(double a, double b, double c) implements PgGeometry {}

  /** {@code lseg}: a line segment, text {@code [(x1,y1),(x2,y2)]}. */
  record Lseg(Point start, Point end) implements PgGeometry {}

  /**
   * {@code box}: text {@code (x1,y1),(x2,y2)}, upper-right corner first as PostgreSQL stores it.
   */
  record Box(Point high, Point low) implements PgGeometry {}

  /** {@code path}: open {@code [(x1,y1),...]} or closed {@code ((x1,y1),...)}. */
  record Path(boolean closed, List<Point> points) implements PgGeometry {
    /** Copies the points into an unmodifiable list. */
    public Path {
      points = List.copyOf(points);
    }
  }

  /** {@code polygon}: text {@code ((x1,y1),...)}. */
  record Polygon(List<Point> points) implements PgGeometry {
    /** Copies the points into an unmodifiable list. */
    public Polygon {
      points = List.copyOf(points);
    }
  }

  /** {@code circle}: text {@code <(x,y),r>}. */
  record Circle(Point center, double radius) implements PgGeometry {}
}
