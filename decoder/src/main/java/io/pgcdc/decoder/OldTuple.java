package io.pgcdc.decoder;

import java.util.List;

/**
 * The old row that Update and Delete may carry, after a {@code 'K'} or an {@code 'O'}:
 *
 * <pre>
 * Byte1('K')  Identifies the following TupleData submessage as a key.
 * Byte1('O')  Identifies the following TupleData submessage as an old tuple.
 * </pre>
 *
 * <p>With {@code 'K'} (replica identity default or index) only the key columns have values, the
 * others are sent as NULL; with {@code 'O'} (replica identity full) every column has its old value.
 *
 * @param keyOnly true after {@code 'K'}, false after {@code 'O'}
 * @param values one value per published column
 */
public record OldTuple(boolean keyOnly, List<TupleValue> values) {

  /** Copies {@code values} into an unmodifiable list. */
  public OldTuple {
    values = TupleList.copyOf(values);
  }
}
