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
 * @param fingerprint of the query the position belongs to; null in a position a user gave ({@code
 *     PATCH /connectors/NAME/offsets}), which is taken for the current query
 * @param fireMillis the fire time of the last run, epoch milliseconds; null when it never ran
 * @param done whether that run emitted all its rows
 * @param timestamp the last timestamp emitted; null when none yet
 * @param incrementing the last incrementing value emitted; null when none yet
 * @param horizon in xmin mode, the transaction horizon of a run's snapshot (64-bit, as text): the
 *     next run reads the rows of transactions at or after it; null when none yet
 */
record QueryOffset(
    String fingerprint,
    Long fireMillis,
    boolean done,
    String timestamp,
    String incrementing,
    String horizon) {
  static final String PARTITION_KEY = "query";
  static final String FINGERPRINT = "fingerprint";
  static final String FIRE = "fire";
  static final String DONE = "done";
  static final String TIMESTAMP = "ts";
  static final String INCREMENTING = "id";
  static final String HORIZON = "xmin";

  QueryOffset(
      String fingerprint, Long fireMillis, boolean done, String timestamp, String incrementing) {
    this(fingerprint, fireMillis, done, timestamp, incrementing, null);
  }

  /** The source partition of a query: its name. */
  static Map<String, String> partition(String query) {
    return Map.of(PARTITION_KEY, query);
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new HashMap<>();
    if (fingerprint != null) {
      map.put(FINGERPRINT, fingerprint);
    }
    if (fireMillis != null) {
      map.put(FIRE, fireMillis);
    }
    map.put(DONE, done);
    if (timestamp != null) {
      map.put(TIMESTAMP, timestamp);
    }
    if (incrementing != null) {
      map.put(INCREMENTING, incrementing);
    }
    if (horizon != null) {
      map.put(HORIZON, horizon);
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
    Number fire = get(query, map, FIRE, Number.class, false);
    Boolean done = get(query, map, DONE, Boolean.class, false);
    return new QueryOffset(
        get(query, map, FINGERPRINT, String.class, false),
        fire == null ? null : fire.longValue(),
        done == null || done,
        get(query, map, TIMESTAMP, String.class, false),
        get(query, map, INCREMENTING, String.class, false),
        get(query, map, HORIZON, String.class, false));
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
