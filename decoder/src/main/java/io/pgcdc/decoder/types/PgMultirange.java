package io.pgcdc.decoder.types;

import java.util.List;

/**
 * A value of a multirange type (PostgreSQL 14 and later): an ordered list of non-overlapping
 * ranges. Text form: {@code {[1,3),[5,7)}}, {@code {}} when empty. Binary form: Int32 count, then
 * per range Int32 length and the range's binary form.
 *
 * @param ranges the ranges in order
 */
public record PgMultirange(List<PgRange> ranges) {

  /** Copies the ranges into an unmodifiable list. */
  public PgMultirange {
    ranges = List.copyOf(ranges);
  }
}
