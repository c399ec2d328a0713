package io.pgcdc.connector.common;

/**
 * The headers of the two records of a key change, as Debezium names them, so that consumers written
 * for it work unchanged: the delete (and its tombstone) names the new key, the create the old one;
 * the values are key structs. The source writes them, the sink reads them.
 */
public final class KeyChangeHeaders {
  private KeyChangeHeaders() {}

  /** On the delete of a key change: the key the row moved to. */
  public static final String NEW_KEY = "__debezium.newkey";

  /** On the create of a key change: the key the row moved from. */
  public static final String OLD_KEY = "__debezium.oldkey";
}
