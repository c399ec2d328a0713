package io.pgcdc.connector.query;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Where a query is: the fire time of its last run and whether that run finished, and, in the
 * incremental modes, the timestamp and incrementing values of the last row emitted (as PostgreSQL
 * prints them, bound back as text). The fingerprint of the query's SQL, mode and columns tells a
 * changed query from the one the position belongs to.
 *
 * @param fireMillis the fire time of the last run, epoch milliseconds
 * @param done whether that run emitted all its rows
 * @param timestamp the last timestamp emitted; null when none yet
 * @param incrementing the last incrementing value emitted; null when none yet
 */
record QueryOffset(
    String fingerprint, long fireMillis, boolean done, String timestamp, String incrementing) {
  static final String PARTITION_KEY = "query";
  static final String FINGERPRINT = "fingerprint";
  static final String FIRE = "fire";
  static final String DONE = "done";
  static final String TIMESTAMP = "ts";
  static final String INCREMENTING = "id";

  /** The source partition of a query: its name. */
  static Map<String, String> partition(String query) {
    return Map.of(PARTITION_KEY, query);
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new HashMap<>();
    map.put(FINGERPRINT, fingerprint);
    map.put(FIRE, fireMillis);
    map.put(DONE, done);
    if (timestamp != null) {
      map.put(TIMESTAMP, timestamp);
    }
    if (incrementing != null) {
      map.put(INCREMENTING, incrementing);
    }
    return map;
  }

  /**
   * Reads an offset of query {@code query}; null for none.
   *
   * @throws ConnectException naming the key that is missing or of the wrong type
   */
  static QueryOffset fromMap(String query, Map<String, ?> map) {
    if (map == null) {
      return null;
    }
    return new QueryOffset(
        get(query, map, FINGERPRINT, String.class, true),
        get(query, map, FIRE, Number.class, true).longValue(),
        get(query, map, DONE, Boolean.class, true),
        get(query, map, TIMESTAMP, String.class, false),
        get(query, map, INCREMENTING, String.class, false));
  }

  private static <T> T get(
      String query, Map<String, ?> map, String key, Class<T> type, boolean required) {
    Object value = map.get(key);
    if (value == null && !required) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new ConnectException(
          "The offset of query "
              + query
              + " has "
              + (value == null ? "no '" + key + "'" : "'" + key + "' = " + value)
              + " (expected a "
              + type.getSimpleName()
              + "): it was not written by this connector; reset the connector's offsets"
              + " (DELETE /connectors/NAME/offsets on a stopped connector) to start over");
    }
    return type.cast(value);
  }
}
