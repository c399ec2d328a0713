package io.pgcdc.connector.statement;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.types.ExactText;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record as the parameters of a template see it. Reads the inputs the upsert sink reads, by the
 * same rules: a value with {@code op} and {@code before} or {@code after} is a CDC envelope (ours
 * or another producer's), whose row is {@code after} ({@code before} for a delete); any other
 * struct or JSON object is a flat row; a null value is a tombstone. A null field that our source's
 * {@code source.text_values} lists (a value its typed field cannot hold) is that exact text.
 */
final class RecordFields {
  /** A value to bind: the Connect value, its schema (null: schemaless), its PostgreSQL type. */
  record Bound(Object value, Schema schema, String pgType) {
    static final Bound NULL = new Bound(null, null, null);
  }

  private final SinkRecord record;
  private final Operation operation;
  private final String op;
  private final Object row;
  private final Schema rowSchema;
  private final String rowSide;
  private final Object before;
  private final Map<?, ?> textValues;

  private RecordFields(
      SinkRecord record,
      Operation operation,
      String op,
      Object row,
      String rowSide,
      Object before,
      Map<?, ?> textValues) {
    this.record = record;
    this.operation = operation;
    this.op = op;
    this.row = row;
    this.rowSchema = row instanceof Struct s ? s.schema() : null;
    this.rowSide = rowSide;
    this.before = before;
    this.textValues = textValues;
  }

  /** Reads a record; throws {@link BadRecordException} for an envelope that is not one. */
  static RecordFields of(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      return new RecordFields(record, Operation.TOMBSTONE, null, null, null, null, Map.of());
    }
    Object opValue = field(value, "op");
    boolean envelope = opValue != null && (hasField(value, "after") || hasField(value, "before"));
    if (!envelope) {
      Object flat = value instanceof Struct || value instanceof Map<?, ?> ? value : null;
      return new RecordFields(record, Operation.INSERT, null, flat, null, null, Map.of());
    }
    if (!(opValue instanceof String op)) {
      throw new BadRecordException(
          "the envelope's field 'op' must be a string such as \"c\", \"u\" or \"d\", got "
              + opValue);
    }
    Operation operation = Operation.ofOp(op);
    Object before = field(value, "before");
    Object after = field(value, "after");
    boolean delete = operation == Operation.DELETE;
    return new RecordFields(
        record,
        operation,
        op,
        delete ? before : after,
        delete ? "before" : "after",
        before,
        textValues(field(value, "source")));
  }

  Operation operation() {
    return operation;
  }

  SinkRecord record() {
    return record;
  }

  /**
   * The value of a parameter; {@code null} when the record lacks the field (for the caller to fail
   * on, or to bind NULL), {@link Bound#NULL} for a field that is there and null.
   */
  Bound get(Parameter p) {
    return switch (p.root()) {
      case OP -> new Bound(op, Schema.OPTIONAL_STRING_SCHEMA, "text");
      case TOPIC -> new Bound(record.topic(), Schema.STRING_SCHEMA, "text");
      case PARTITION -> new Bound(record.kafkaPartition(), Schema.INT32_SCHEMA, "integer");
      case OFFSET -> new Bound(record.kafkaOffset(), Schema.INT64_SCHEMA, "bigint");
      case TIMESTAMP ->
          new Bound(
              record.timestamp() == null ? null : new java.util.Date(record.timestamp()),
              Timestamp.SCHEMA,
              "timestamptz");
      case HEADER -> header(p.path().get(0));
      case KEY -> walk(record.key(), record.keySchema(), p.path(), null);
      case VALUE -> walk(row, rowSchema, p.path(), rowSide);
      case BEFORE ->
          walk(before, before instanceof Struct s ? s.schema() : null, p.path(), "before");
    };
  }

  private Bound header(String name) {
    Header h = record.headers().lastWithName(name);
    return h == null ? null : bound(h.value(), h.schema(), name);
  }

  /** The field at {@code path} below {@code top}; {@code side} names it in text_values. */
  private Bound walk(Object top, Schema schema, List<String> path, String side) {
    Object value = top;
    Schema s = schema;
    for (int i = 0; i < path.size(); i++) {
      if (value == null) {
        return top == null ? null : Bound.NULL; // a null on the way: the field is null
      }
      String name = path.get(i);
      if (value instanceof Struct struct) {
        Field f = struct.schema().field(name);
        if (f == null) {
          return null;
        }
        value = struct.get(f);
        s = f.schema();
      } else if (value instanceof Map<?, ?> map) {
        if (!map.containsKey(name)) {
          return null;
        }
        value = map.get(name);
        s = null;
      } else {
        return null;
      }
      if (value == null && i == 0 && side != null && path.size() == 1) {
        Object text = textValues.get(side + "." + name);
        if (text instanceof String t) {
          return bound(new ExactText(t), s, name);
        }
      }
    }
    return bound(value, s, path.isEmpty() ? "" : path.get(path.size() - 1));
  }

  private static Bound bound(Object value, Schema schema, String name) {
    String pgType = schema == null ? null : ColumnSpec.of(name, schema).pgType();
    return new Bound(value, schema, pgType);
  }

  private static Map<?, ?> textValues(Object source) {
    Object texts = field(source, "text_values");
    return texts instanceof Map<?, ?> m ? m : Map.of();
  }

  private static boolean hasField(Object value, String name) {
    if (value instanceof Struct s) {
      return s.schema().field(name) != null;
    }
    return value instanceof Map<?, ?> m && m.containsKey(name);
  }

  private static Object field(Object value, String name) {
    if (value instanceof Struct s) {
      Field f = s.schema().field(name);
      return f == null ? null : s.get(f);
    }
    return value instanceof Map<?, ?> m ? m.get(name) : null;
  }
}
