package io.pgcdc.connector.json;

import org.apache.kafka.connect.errors.DataException;

/**
 * A JSON value whose type does not match its schema (a string where the schema says int32, a number
 * for a boolean, an integer out of range). Kafka's converter coerces such a value (to 0, false,
 * null, a truncated number); this converter refuses it, so that Connect's error handling
 * (errors.tolerance, the dead letter queue) sees the record instead of a wrong value being written.
 *
 * <p>The message names where the value is (struct fields by name, array and map entries by index)
 * and the JSON type found, never the value itself: it may be anything, a secret included.
 */
final class SchemaMismatchException extends DataException {
  private final String path;
  private final String problem;

  SchemaMismatchException(String path, String problem) {
    super(message(path, problem));
    this.path = path;
    this.problem = problem;
  }

  /** The same problem, one level further out: {@code child} is a field name or {@code [i]}. */
  SchemaMismatchException within(String child) {
    String inner = path.isEmpty() || path.startsWith("[") ? path : "." + path;
    return new SchemaMismatchException(child + inner, problem);
  }

  private static String message(String path, String problem) {
    return (path.isEmpty() ? "JSON value" : "JSON value at " + path)
        + " does not match its schema: "
        + problem
        + ". The converter does not coerce values (Kafka's converter would read 0, false or null"
        + " instead); fix the producer or the schema";
  }
}
