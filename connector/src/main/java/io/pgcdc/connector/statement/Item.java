package io.pgcdc.connector.statement;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.statement.RecordFields.Bound;
import io.pgcdc.connector.statement.StatementSinkConfig.MissingField;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record ready to run: the SQL of each statement of its template (with the casts its values need)
 * and the argument of each placeholder of all of them, in order.
 */
record Item(SinkRecord record, Template template, List<String> sql, Object[] args) {
  /**
   * The item of a record for {@code template}.
   *
   * @throws BadRecordException when a field is missing (and {@code missing} is FAIL) or a value has
   *     no PostgreSQL form; the message names the parameter and the setting
   */
  static Item of(RecordFields fields, Template template, MissingField missing) {
    List<Parameter> parameters = template.parameters();
    String[] casts = new String[parameters.size()];
    Object[] args = new Object[parameters.size()];
    for (int i = 0; i < args.length; i++) {
      Parameter p = parameters.get(i);
      Bound b = fields.get(p);
      if (b == null) {
        if (missing == MissingField.FAIL) {
          throw new BadRecordException(
              "the record has no field for parameter :"
                  + p.name()
                  + " of "
                  + template.setting()
                  + " ("
                  + fields.operation().name().toLowerCase(java.util.Locale.ROOT)
                  + "); correct the SQL, or set "
                  + StatementSinkConfig.MISSING_FIELD_CONFIG
                  + "=null to bind NULL for a missing field");
        }
        b = Bound.NULL;
      }
      try {
        casts[i] = Binding.cast(b, p);
        args[i] = Binding.argument(b);
      } catch (BadRecordException e) {
        throw new BadRecordException("parameter :" + p.name() + ": " + e.getMessage());
      }
    }
    return new Item(fields.record(), template, template.sql(casts), args);
  }

  /** {@code topic T, partition P, offset O}, for messages. */
  String where() {
    return "topic "
        + record.topic()
        + ", partition "
        + record.kafkaPartition()
        + ", offset "
        + record.kafkaOffset();
  }
}
