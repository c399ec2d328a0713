package io.pgcdc.decoder.types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A PostgreSQL array of any number of dimensions, with its lower bounds and NULL elements.
 *
 * <p>Text form: {@code {1,2,NULL}}, {@code {{1,2},{3,4}}}, and with bounds other than 1 {@code
 * [0:1][2:3]={{1,2},{3,4}}}.
 *
 * @param dimensions the size of each dimension, outermost first; empty for an empty array
 * @param lowerBounds the lower bound of each dimension (1 unless set otherwise)
 * @param elements the elements in row-major order; may hold nulls
 */
public record PgArray(List<Integer> dimensions, List<Integer> lowerBounds, List<Object> elements) {

  /** Checks that the element count is the product of the dimensions. */
  public PgArray {
    dimensions = List.copyOf(dimensions);
    lowerBounds = List.copyOf(lowerBounds);
    elements = Collections.unmodifiableList(new ArrayList<>(elements));
    if (dimensions.size() != lowerBounds.size()) {
      throw new IllegalArgumentException(
          "array: expected one lower bound per dimension, got "
              + lowerBounds.size()
              + " for "
              + dimensions.size());
    }
    long product = dimensions.isEmpty() ? 0 : 1;
    for (int d : dimensions) {
      if (d < 0) {
        throw new IllegalArgumentException("array: expected dimensions of 0 or more, got " + d);
      }
      product *= d;
    }
    if (product != elements.size()) {
      throw new IllegalArgumentException(
          "array: expected "
              + product
              + " elements for dimensions "
              + dimensions
              + ", got "
              + elements.size());
    }
  }

  /** A one-dimensional array with lower bound 1; elements may be null. */
  public static PgArray of(Object... elements) {
    return elements.length == 0
        ? new PgArray(List.of(), List.of(), List.of())
        : new PgArray(List.of(elements.length), List.of(1), Arrays.asList(elements));
  }
}
