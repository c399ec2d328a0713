package io.pgcdc.decoder.types;

/**
 * A value of a range type (int4range, numrange, tsrange, tstzrange, daterange, int8range, or a
 * registered one). A null bound is unbounded; a bound may also be a value such as {@link
 * PgSpecial#INFINITY}, which PostgreSQL keeps apart from unbounded.
 *
 * <p>Text form: {@code empty}, or {@code [lower,upper)} with either bracket kind and bounds quoted
 * when needed. Binary form ({@code range_send}): Int8 flags (1 empty, 2 lower inclusive, 4 upper
 * inclusive, 8 lower unbounded, 16 upper unbounded), then for each present bound Int32 length and
 * the subtype's binary form.
 *
 * @param lower the lower bound, null when unbounded
 * @param upper the upper bound, null when unbounded
 * @param lowerInclusive whether the lower bound is included ('[')
 * @param upperInclusive whether the upper bound is included (']')
 * @param empty whether this is the empty range (then all else is null/false)
 */
public record PgRange(
    Object lower, Object upper, boolean lowerInclusive, boolean upperInclusive, boolean empty) {

  /** The empty range. */
  public static final PgRange EMPTY = new PgRange(null, null, false, false, true);

  /** Checks that the empty range has no bounds and that an unbounded side is exclusive. */
  public PgRange {
    if (empty && (lower != null || upper != null || lowerInclusive || upperInclusive)) {
      throw new IllegalArgumentException("range: the empty range has no bounds");
    }
    if ((lower == null && lowerInclusive) || (upper == null && upperInclusive)) {
      throw new IllegalArgumentException("range: an unbounded side cannot be inclusive");
    }
  }

  /** A non-empty range; null bounds are unbounded. */
  public static PgRange of(
      Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
    return new PgRange(lower, upper, lowerInclusive, upperInclusive, false);
  }
}
