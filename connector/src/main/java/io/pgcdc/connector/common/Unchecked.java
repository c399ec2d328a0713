package io.pgcdc.connector.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a field of a {@link Struct} without {@link Struct#put}'s check of the value against the
 * field's schema. For the values of this package only, whose types follow from the schema they are
 * built with (each column's codec makes the class its schema type names): there the check finds
 * nothing, and it cost a quarter of a copied row's building, with a string built per field for its
 * message (docs/performance.md). When Connect's {@code Struct} is not as expected, every call falls
 * back to {@code put}, checked.
 */
public final class Unchecked {
  private static final Logger log = LoggerFactory.getLogger(Unchecked.class);

  /** {@code Struct.values}, or null where it cannot be reached (then {@code put} is used). */
  private static final VarHandle VALUES = find();

  private Unchecked() {}

  private static VarHandle find() {
    try {
      return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
          .findVarHandle(Struct.class, "values", Object[].class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.info(
          "Struct fields are set with Struct.put, each value checked against its schema ({})",
          e.toString());
      return null;
    }
  }

  /** Sets {@code field} (a field of the struct's own schema) to {@code value}. */
  public static void put(Struct struct, Field field, Object value) {
    if (VALUES == null) {
      struct.put(field, value);
      return;
    }
    ((Object[]) VALUES.get(struct))[field.index()] = value;
  }

  /** Sets the field named {@code name} of the struct's schema to {@code value}. */
  public static void put(Struct struct, String name, Object value) {
    Field field = struct.schema().field(name);
    if (field == null) {
      struct.put(name, value); // throws, naming the field
      return;
    }
    put(struct, field, value);
  }

  /** Whether the fields are set unchecked (for tests). */
  static boolean active() {
    return VALUES != null;
  }
}
