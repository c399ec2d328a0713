package io.pgcdc.decoder;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The unmodifiable list of a decoded tuple, over the array the decoder filled: {@code List.of}
 * would copy that array once more, on the decoder's hottest path.
 */
final class TupleList extends AbstractList<TupleValue> implements RandomAccess {
  private final TupleValue[] values;

  TupleList(TupleValue[] values) {
    this.values = values;
  }

  @Override
  public TupleValue get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  /** The list as given when it is a decoder's own, else an unmodifiable copy. */
  static List<TupleValue> copyOf(List<TupleValue> values) {
    return values instanceof TupleList ? values : List.copyOf(values);
  }
}
