package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.sink.change.BadRecordException;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/** A struct or a schemaless map, read by field name or by position. */
record Row(Struct struct, Map<?, ?> map, String[] names, Object[] values) {
  static Row of(Object value, String what) {
    Row row = ofNullable(value, what);
    if (row == null) {
      throw new BadRecordException(what + " is null");
    }
    return row;
  }

  static Row ofNullable(Object value, String what) {
    if (value == null) {
      return null;
    }
    if (value instanceof Struct s) {
      return new Row(s, null, null, null);
    }
    if (value instanceof Map<?, ?> m) {
      String[] names = new String[m.size()];
      Object[] values = new Object[m.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String name)) {
          throw new BadRecordException(what + " has a non-string field name: " + e.getKey());
        }
        names[i] = name;
        values[i++] = e.getValue();
      }
      return new Row(null, m, names, values);
    }
    throw new BadRecordException(
        what + " must be a struct or a JSON object, got " + value.getClass().getSimpleName());
  }

  Object get(String name) {
    if (struct != null) {
      Field f = struct.schema().field(name);
      return f == null ? null : struct.get(f);
    }
    return map.get(name);
  }

  int indexOf(String name) {
    if (struct != null) {
      Field f = struct.schema().field(name);
      return f == null ? -1 : f.index();
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  Object value(int index) {
    if (struct != null) {
      return struct.get(struct.schema().fields().get(index));
    }
    return values[index];
  }
}
