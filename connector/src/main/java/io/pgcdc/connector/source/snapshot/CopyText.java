package io.pgcdc.connector.source.snapshot;

import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.decoder.DecodeException;
import java.util.List;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts one row of COPY's text format: the decoder's {@link io.pgcdc.decoder.types.CopyText}
 * splits it and undoes the escapes, giving each field exactly the text the type's output function
 * printed (the text pgoutput sends); {@link TableSchema.Column#value} converts it as it converts a
 * streamed value, so the snapshot and the stream share one parser and one conversion per type.
 */
final class CopyText {
  private String[] fields = new String[0];

  /** Fills {@code values} with the converted fields of {@code row}. */
  void parse(byte[] row, List<TableSchema.Column> columns, Object[] values) {
    if (fields.length != values.length) {
      fields = new String[values.length];
    }
    int count;
    try {
      count = io.pgcdc.decoder.types.CopyText.parseRow(row, fields);
    } catch (DecodeException e) {
      throw new DataException(e.getMessage(), e);
    }
    if (count < values.length) {
      throw new DataException(
          "COPY row has " + count + " fields, expected " + values.length + " columns");
    }
    if (count > values.length) {
      throw new DataException("COPY row has more fields than the " + values.length + " columns");
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = fields[i] == null ? null : columns.get(i).value(fields[i]);
    }
  }
}
